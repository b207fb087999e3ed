import Foundation
import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Takes a request body into a new file in `directory` as it arrives, so that a large upload
/// costs disk, not memory. Writes happen on the connection's event-loop thread: they go to the
/// page cache, and the handler syncs what it keeps. The file is the handler's to move away; the
/// server removes whatever is left once the request is answered, and a failed or abandoned
/// request's file at once.
public final class FileBodySink: HTTPBodySink, @unchecked Sendable {
    // Unchecked: used only by the one event-loop thread that owns the connection.
    public let maxBytes: Int
    let path: String
    private var descriptor: Int32
    private var count = 0

    /// Nil when the file cannot be made (then the body is refused, not buffered).
    public init?(directory: String, maxBytes: Int) {
        self.maxBytes = maxBytes
        path = "\(directory)/.body-\(UUID().uuidString.lowercased())"
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPParserError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .bodyNotStored(reason: String(cString: strerror(errno))) }
            offset += written
        }
        count += bytes.count
    }

    public func finish() throws(HTTPParserError) -> HTTPSpooledBody {
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw .bodyNotStored(reason: reason)
        }
        return HTTPSpooledBody(path: path, byteCount: count)
    }

    public func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(path)
    }

    /// Removes what is left of a spooled body after its request (nothing if the handler moved it).
    static func remove(_ body: HTTPSpooledBody) { unlink(body.path) }
}
