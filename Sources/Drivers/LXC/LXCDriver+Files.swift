#if canImport(Glibc)
    import Glibc
#endif

extension LXCDriver {
    func containerDirectory(_ name: String) -> String { "\(lxcPath)/\(name)" }

    func configPath(_ name: String) -> String { "\(lxcPath)/\(name)/config" }

    /// A name becomes a directory, cgroup names and config values, so it must not be able to
    /// leave `lxcPath`, end a config line or hide as a dot file. Checked by every public method.
    static func validate(name: String) throws {
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard allowed, (1...128).contains(bytes.count), bytes[0] != UInt8(ascii: "."), bytes[0] != UInt8(ascii: "-")
        else { throw InstanceDriverError.invalidName(name) }
    }

    /// Replaces `path` with `text` in one step: written to `<path>.tmp`, synced, renamed over it.
    /// (Foundation's `.atomic` writes leave a `TemporaryDirectory.*` behind in /tmp on Linux.)
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InstanceDriverError.fileSystem(operation: "open", path: temporary, errno: errno)
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw InstanceDriverError.fileSystem(operation: "write", path: temporary, errno: code)
            }
            offset += written
        }
        let synced = fsync(descriptor) == 0
        let code = errno
        close(descriptor)
        guard synced, Glibc.rename(temporary, path) == 0 else {
            let failure = synced ? errno : code
            unlink(temporary)
            throw InstanceDriverError.fileSystem(operation: synced ? "rename" : "fsync", path: path, errno: failure)
        }
    }

    /// Makes `path` (and its parents if asked) with mode 0755 and sets 0755 on it even if it
    /// existed: an unprivileged container's root, a host id of its own, must traverse it.
    static func makeDirectory(_ path: String, intermediate: Bool) throws {
        if intermediate, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let parent = String(path[..<slash])
            if !FileStatus.isDirectory(parent) { try makeDirectory(parent, intermediate: true) }
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw InstanceDriverError.fileSystem(operation: "mkdir", path: path, errno: errno)
        }
        guard chmod(path, 0o755) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "chmod", path: path, errno: errno)
        }
    }

    /// Throws `notTraversable` for the first directory above `path` that the mapped root may not
    /// enter: LXC would fail later, at start, with a vaguer message.
    static func checkTraversable(_ path: String, by idmap: IDMap) throws {
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix += "/\(component)"
            var info = stat()
            guard stat(prefix, &info) == 0 else { continue }
            let needed =
                info.st_uid == idmap.hostUID ? S_IXUSR : info.st_gid == idmap.hostGID ? S_IXGRP : S_IXOTH
            if info.st_mode & needed == 0 { throw InstanceDriverError.notTraversable(path: prefix, uid: idmap.hostUID) }
        }
    }
}
