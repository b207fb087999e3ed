#if canImport(Glibc)
    import Glibc
#endif

/// Gives every entry of a tree the owner it must have for another id map: from the host ids
/// that `from` gives container ids (nil: host ids are container ids, as in an image or a
/// privileged container) to those that `to` gives them. A host id outside `from`'s range is
/// the container's nobody, which is what the container saw it as.
struct OwnershipShift: Sendable {
    var from: IDMap?
    var to: IDMap?

    /// Nothing to change: both sides see host ids the same way.
    var isIdentity: Bool { from == to }

    func uid(_ uid: UInt32) -> UInt32 {
        let inside = from?.containerUID(uid) ?? uid
        return to?.hostUID(inside) ?? inside
    }

    func gid(_ gid: UInt32) -> UInt32 {
        let inside = from?.containerGID(gid) ?? gid
        return to?.hostGID(inside) ?? inside
    }

    /// Changes every entry under `root` (itself included). Symlinks are changed themselves, never
    /// followed; setuid and setgid bits, which chown(2) clears, are put back; a file with several
    /// hard links is changed once. Returns how many entries were changed. Blocking.
    @discardableResult
    func apply(toTree root: String) throws -> Int {
        var info = stat()
        guard lstat(root, &info) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "lstat", path: root, errno: errno)
        }
        if isIdentity { return 0 }
        try change(at: AT_FDCWD, name: root, display: root, info: info)
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return 1 }
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw InstanceDriverError.fileSystem(operation: "open", path: root, errno: errno) }
        var seen = Set<HardLink>()
        return try changeChildren(of: fd, display: root, seen: &seen) + 1
    }

    /// Changes the entries of the directory `fd` (which this call closes) and below, by descriptor
    /// and name, so that no path is resolved twice and no symlink is followed.
    private func changeChildren(of fd: Int32, display: String, seen: inout Set<HardLink>) throws -> Int {
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
            try change(at: fd, name: name, display: path, info: info)
            count += 1
            if type == S_IFDIR {
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else {
                    throw InstanceDriverError.fileSystem(operation: "open", path: path, errno: errno)
                }
                count += try changeChildren(of: child, display: path, seen: &seen)
            }
        }
    }

    private func change(at fd: Int32, name: UnsafePointer<CChar>, display: String, info: stat) throws {
        guard fchownat(fd, name, uid(info.st_uid), gid(info.st_gid), AT_SYMLINK_NOFOLLOW) == 0 else {
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
