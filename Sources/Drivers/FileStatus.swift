#if canImport(Glibc)
    import Glibc
#endif

/// What is at a path, from `lstat`: a symbolic link is never followed, so a link planted where a
/// driver expects its own file or directory does not pass for one. Blocking (one system call).
enum FileStatus {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
