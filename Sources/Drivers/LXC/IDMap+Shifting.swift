#if canImport(Glibc)
    import Glibc
#endif

extension IDMap {
    /// Gives every entry under `root` (itself included) to the mapped ids: an image's files are
    /// owned by container ids, and an unprivileged container sees host ids through its map.
    /// Symlinks are changed themselves, never followed; setuid and setgid bits, which chown(2)
    /// clears, are put back; a file with several hard links is shifted once. Blocking.
    /// Returns how many entries were shifted.
    func shiftOwnership(ofTree root: String) throws -> Int {
        var info = stat()
        guard lstat(root, &info) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "lstat", path: root, errno: errno)
        }
        try shift(at: AT_FDCWD, name: root, display: root, info: info)
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return 1 }
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw InstanceDriverError.fileSystem(operation: "open", path: root, errno: errno) }
        var seen = Set<HardLink>()
        return try shiftChildren(of: fd, display: root, seen: &seen) + 1
    }

    /// Shifts the entries of the directory `fd` (which this call closes) and below, by descriptor
    /// and name, so that no path is resolved twice and no symlink is followed.
    private func shiftChildren(of fd: Int32, display: String, seen: inout Set<HardLink>) throws -> Int {
        guard let directory = fdopendir(fd) else {
            close(fd)
            throw InstanceDriverError.fileSystem(operation: "opendir", path: display, errno: errno)
        }
        defer { closedir(directory) }
        var count = 0
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 {
                    throw InstanceDriverError.fileSystem(operation: "readdir", path: display, errno: errno)
                }
                return count
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 }.map { CChar(bitPattern: $0) }) + [0]
            }
            if name == [46, 0] || name == [46, 46, 0] { continue }  // "." and ".."
            let path = display + "/" + String(decoding: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "lstat", path: path, errno: errno)
            }
            let type = info.st_mode & S_IFMT
            if type != S_IFDIR && info.st_nlink > 1 {
                guard seen.insert(HardLink(device: info.st_dev, inode: info.st_ino)).inserted else { continue }
            }
            try shift(at: fd, name: name, display: path, info: info)
            count += 1
            if type == S_IFDIR {
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else {
                    throw InstanceDriverError.fileSystem(operation: "open", path: path, errno: errno)
                }
                count += try shiftChildren(of: child, display: path, seen: &seen)
            }
        }
    }

    private func shift(at fd: Int32, name: UnsafePointer<CChar>, display: String, info: stat) throws {
        guard fchownat(fd, name, hostUID(info.st_uid), hostGID(info.st_gid), AT_SYMLINK_NOFOLLOW) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "lchown", path: display, errno: errno)
        }
        let specialBits = info.st_mode & (S_ISUID | S_ISGID)
        if specialBits != 0 && (info.st_mode & S_IFMT) != S_IFLNK {
            guard fchmodat(fd, name, info.st_mode & 0o7777, 0) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "chmod", path: display, errno: errno)
            }
        }
    }
}
