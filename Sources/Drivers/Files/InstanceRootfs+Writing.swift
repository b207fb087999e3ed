import CLinux

#if canImport(Glibc)
    import Glibc
#endif

extension InstanceRootfs {
    /// LXD's file push: writes `bytes` to the regular file at `path` (a symlink at the end is
    /// followed inside the root), replacing or, with `append`, extending it. A new file is created
    /// with mode 0 and gets its owner and mode before any byte is written, so no process in the
    /// instance sees it with other permissions; one whose write fails is removed again. An
    /// existing file keeps its owner and mode, as in LXD.
    public func write(
        _ bytes: [UInt8], to path: String, append: Bool, attributes: InstanceFileAttributes
    ) throws(InstanceFileError) {
        try write(to: path, append: append, attributes: attributes) { (fd) throws(InstanceFileError) in
            try Self.writeAll(bytes[...], to: fd, path: path)
        }
    }

    /// As `write(_:to:append:attributes:)`, with the contents of the host file `source` (a request
    /// body the server spooled), copied a chunk at a time.
    public func write(
        contentsOf source: String, to path: String, append: Bool, attributes: InstanceFileAttributes
    ) throws(InstanceFileError) {
        let input = Glibc.open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw InstanceFileError.from(errno: errno, operation: "open", path: source) }
        defer { close(input) }
        try write(to: path, append: append, attributes: attributes) { (fd) throws(InstanceFileError) in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { throw InstanceFileError.from(errno: errno, operation: "read", path: source) }
                if count == 0 { return }
                try Self.writeAll(buffer[0..<count], to: fd, path: path)
            }
        }
    }

    private static func writeAll(_ bytes: ArraySlice<UInt8>, to fd: Int32, path: String) throws(InstanceFileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw InstanceFileError.from(errno: errno, operation: "write", path: path) }
            offset += written
        }
    }

    private func write(
        to path: String, append: Bool, attributes: InstanceFileAttributes,
        contents: (Int32) throws(InstanceFileError) -> Void
    ) throws(InstanceFileError) {
        let (fd, created) = try openForWriting(ContainedPath(path), display: path, append: append)
        defer {
            close(fd)
            if let created { close(created.parent) }
        }
        do throws(InstanceFileError) {
            if created != nil {
                let owner = hostOwner(attributes)
                guard fchown(fd, owner.uid, owner.gid) == 0, fchmod(fd, mode_t(attributes.mode ?? 0o644) & 0o7777) == 0
                else { throw InstanceFileError.from(errno: errno, operation: "chown", path: path) }
            }
            try contents(fd)
        } catch {
            if let created { unlinkat(created.parent, created.leaf, 0) }
            throw error
        }
    }

    /// The file at `path` opened for writing, and for a file made now its directory and name
    /// (to remove it again if writing fails).
    private func openForWriting(_ path: ContainedPath, display: String, append: Bool) throws(InstanceFileError)
        -> (Int32, (parent: Int32, leaf: String)?)
    {
        let handle: Int32
        do throws(InstanceFileError) {
            handle = try open(path.relative, flags: clinux_o_path)
        } catch .notFound {
            let (parent, leaf) = try openParent(path, display: display)
            do throws(InstanceFileError) {
                let fd = try creating(display) { () throws(InstanceFileError) in
                    try open(leaf, flags: O_WRONLY | O_CREAT | O_EXCL | clinux_o_nofollow, mode: 0, from: parent)
                }
                return (fd, (parent, leaf))
            } catch {
                close(parent)
                throw error
            }
        }
        defer { close(handle) }
        guard try info(of: handle, path: display).kind == .file else {
            throw .invalidPath(path: display, reason: "not a regular file")
        }
        let fd = clinux_reopen(handle, O_WRONLY | clinux_o_noctty | (append ? O_APPEND : O_TRUNC))
        guard fd >= 0 else { throw .from(errno: -fd, operation: "open", path: display) }
        return (fd, nil)
    }

    /// LXD's directory push: makes the directory at `path` unless something exists there already
    /// (then it succeeds and changes nothing, as LXD does). Its parent must exist.
    public func makeDirectory(_ path: String, attributes: InstanceFileAttributes) throws(InstanceFileError) {
        let contained = try ContainedPath(path)
        if let handle = try? open(contained.relative, flags: clinux_o_path) {
            close(handle)
            return
        }
        let (parent, leaf) = try openParent(contained, display: path)
        defer { close(parent) }
        try creating(path) { () throws(InstanceFileError) in
            guard mkdirat(parent, leaf, 0o700) == 0 else { throw .from(errno: errno, operation: "mkdir", path: path) }
        }
        // Opened again without following: a symlink swapped in meanwhile fails here.
        let fd = try open(leaf, flags: O_RDONLY | clinux_o_directory | clinux_o_nofollow, from: parent)
        defer { close(fd) }
        let owner = hostOwner(attributes)
        guard fchown(fd, owner.uid, owner.gid) == 0, fchmod(fd, mode_t(attributes.mode ?? 0o750) & 0o7777) == 0 else {
            throw .from(errno: errno, operation: "chown", path: path)
        }
    }

    /// LXD's symlink push: makes a symlink at `path` to `target`, which may point anywhere: it is
    /// resolved inside the root whenever it is used. One that already points there is left.
    public func makeSymlink(_ path: String, target: String, attributes: InstanceFileAttributes)
        throws(InstanceFileError)
    {
        guard !target.isEmpty, !target.utf8.contains(0) else {
            throw .invalidPath(path: path, reason: "the symlink target is empty or holds a NUL byte")
        }
        let (parent, leaf) = try openParent(ContainedPath(path), display: path)
        defer { close(parent) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(parent, leaf, &buffer, buffer.count - 1)
        if count >= 0 && String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) == target {
            return
        }
        try creating(path) { () throws(InstanceFileError) in
            guard symlinkat(target, parent, leaf) == 0 else {
                throw .from(errno: errno, operation: "symlink", path: path)
            }
        }
        let owner = hostOwner(attributes)
        guard fchownat(parent, leaf, owner.uid, owner.gid, clinux_at_symlink_nofollow) == 0 else {
            throw .from(errno: errno, operation: "chown", path: path)
        }
    }

    /// LXD's file delete: removes the file, symlink (not what it points to) or empty directory.
    public func remove(_ path: String) throws(InstanceFileError) {
        let (parent, leaf) = try openParent(ContainedPath(path), display: path)
        defer { close(parent) }
        if unlinkat(parent, leaf, 0) == 0 { return }
        guard errno == EISDIR, unlinkat(parent, leaf, clinux_at_removedir) == 0 else {
            throw .from(errno: errno, operation: "remove", path: path)
        }
    }
}
