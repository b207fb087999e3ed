import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A new file in `uploads/` being written, then synced: an upload is on disk before the operation
/// that imports it is committed, so the `202` never promises bytes a crash could lose.
final class UploadFile {
    let path: String
    private let descriptor: Int32
    private(set) var size: Int64 = 0

    /// Creates `path`, which must not exist.
    init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure() }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw Self.failure() }
                offset += written
            }
        }
        size += Int64(bytes.count)
    }

    /// Syncs the file; the descriptor is closed when the value goes away.
    func sync() throws {
        guard fsync(descriptor) == 0 else { throw Self.failure() }
    }

    /// A disk failure is the server's, not the client's: a 500 with errno, as before.
    private static func failure() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}
