import CLinux

#if canImport(Glibc)
    import Glibc
#endif

extension InstanceRootfs {
    /// Opens the regular file at `path` for reading; a symlink at the end is followed inside the
    /// root. Anything but a regular file is refused before it is opened for reading, so a FIFO
    /// cannot block the request and a device is never touched.
    public func openFile(_ path: String) throws(InstanceFileError) -> InstanceFileReader {
        let handle = try open(ContainedPath(path).relative, flags: clinux_o_path)
        defer { close(handle) }
        let info = try info(of: handle, path: path)
        guard info.kind == .file else {
            throw .invalidPath(path: path, reason: info.kind == .directory ? "it is a directory" : "not a regular file")
        }
        let fd = clinux_reopen(handle, O_RDONLY | clinux_o_noctty)
        guard fd >= 0 else { throw .from(errno: -fd, operation: "open", path: path) }
        return InstanceFileReader(descriptor: fd, size: info.size)
    }

    /// The names in the directory at `path`, sorted, without `.` and `..`.
    public func list(_ path: String) throws(InstanceFileError) -> [String] {
        let handle = try open(ContainedPath(path).relative, flags: clinux_o_path | clinux_o_directory)
        defer { close(handle) }
        let fd = clinux_reopen(handle, O_RDONLY | clinux_o_directory)
        guard fd >= 0 else { throw .from(errno: -fd, operation: "open", path: path) }
        guard let directory = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw .from(errno: code, operation: "opendir", path: path)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Where the symlink at `path` leads, as LXD answers it: an absolute path inside the root.
    public func symlinkTarget(_ path: String) throws(InstanceFileError) -> String {
        let handle = try open(ContainedPath(path).relative, flags: clinux_o_path | clinux_o_nofollow)
        defer { close(handle) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(handle, "", &buffer, buffer.count - 1)
        guard count >= 0 else { throw .from(errno: errno, operation: "readlink", path: path) }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ContainedPath.resolvedTarget(target, of: path)
    }
}
