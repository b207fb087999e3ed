#if canImport(Glibc)
    import Glibc
#endif

/// A regular file inside an instance opened for reading, read in chunks so that a large file is
/// streamed rather than held in memory. Closed with the object.
public final class InstanceFileReader: Sendable {
    let descriptor: Int32
    /// The size when it was opened; the file may change while it is read.
    public let size: Int64

    init(descriptor: Int32, size: Int64) {
        self.descriptor = descriptor
        self.size = size
    }

    /// Opens a file of the host's own (an instance's log), not one inside an instance: the path
    /// is berthd's. Blocking.
    public convenience init(hostPath: String) throws(InstanceFileError) {
        let fd = open(hostPath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .from(errno: errno, operation: "open", path: hostPath) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .invalidPath(path: hostPath, reason: "not a regular file")
        }
        self.init(descriptor: fd, size: Int64(status.st_size))
    }

    deinit { close(descriptor) }

    /// Up to `limit` bytes from where the last read ended; empty at the end. Blocking.
    public func read(upTo limit: Int) throws(InstanceFileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: limit)
        while true {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, limit) }
            if count >= 0 { return Array(bytes[..<count]) }
            if errno == EINTR { continue }
            throw .system(operation: "read", path: "", errno: errno)
        }
    }
}
