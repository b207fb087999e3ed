import CLinux
import Foundation
import HTTP

/// A socket client that speaks raw bytes, so tests control exactly what the server sees (split
/// writes, garbage, half-sent requests) and read exactly what it sends.
///
/// Reads block, so the async wrappers run them on a thread of their own: a blocked thread of Swift's
/// cooperative pool (two threads here) would starve the server's handler tasks under test.
/// `@unchecked Sendable`: each test drives its client from one place, one call at a time.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private var reader = HTTPResponseReader()
    private var frameDecoder: WebSocketFrameDecoder?

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum ClientError: Error { case connect(Int32), closed, timeout, malformed(String) }

    init(unixPath: String, receiveTimeoutSeconds: Int = 5) throws {
        let fd = clinux_connect_unix(unixPath)
        guard fd >= 0 else { throw ClientError.connect(-fd) }
        self.fd = fd
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    init(tcpPort: UInt16, receiveTimeoutSeconds: Int = 5) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = tcpPort.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw ClientError.connect(errno)
        }
        self.fd = fd
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A TCP client to 127.0.0.1 from another loopback address (`127.0.0.2`), as a second host.
    init(tcpPort: UInt16, from source: String, receiveTimeoutSeconds: Int = 5) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = tcpPort.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let result =
            bound != 0
            ? bound
            : withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        guard result == 0 else {
            close(fd)
            throw ClientError.connect(errno)
        }
        self.fd = fd
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return }
            offset += written
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// The next bytes from the socket; nil on EOF, throws on timeout.
    private func receive() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 { return Array(chunk[0..<count]) }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw ClientError.timeout }
        return nil
    }

    func readBytes(_ count: Int) throws -> [UInt8] {
        try parsing { try reader.readBytes(count, receive) }
    }

    /// Reads one response (Content-Length, chunked, or until close for `readToClose`).
    func readResponseNow(headOnly: Bool = false) throws -> Response {
        try parsing { try reader.readResponse(headOnly: headOnly, receive) }
    }

    /// The shared reader's failures as this client's errors.
    private func parsing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch HTTPResponseReader.Failure.closed {
            throw ClientError.closed
        } catch HTTPResponseReader.Failure.malformed(let text) {
            throw ClientError.malformed(text)
        }
    }

    /// True when the server closed the connection (EOF) with nothing more to read.
    func isClosedByServerNow() -> Bool {
        do { return try !reader.fill(receive) && reader.buffer.isEmpty } catch { return false }
    }

    // MARK: WebSocket (client side, masked frames as RFC 6455 §5.3 requires)

    func sendFrame(opcode: WebSocketOpcode, payload: [UInt8], fin: Bool = true) {
        var bytes: [UInt8] = []
        WebSocketFrameEncoder.encode(
            WebSocketFrame(fin: fin, opcode: opcode, payload: payload), maskingKey: (0x11, 0x22, 0x33, 0x44),
            into: &bytes)
        send(bytes)
    }

    /// Reads the next server frame. The first call takes over any bytes left after the handshake.
    func readFrameNow() throws -> WebSocketFrame {
        if frameDecoder == nil {
            frameDecoder = WebSocketFrameDecoder(maxFrameSize: 1 << 24, requireMaskedFrames: false)
            frameDecoder?.append(reader.buffer)
            reader.buffer.removeAll()
        }
        while true {
            if let frame = try frameDecoder?.next() { return frame }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { throw count == 0 ? ClientError.closed : ClientError.timeout }
            frameDecoder?.append(Array(chunk[0..<count]))
        }
    }

    func readResponse(headOnly: Bool = false) async throws -> Response {
        try await onThread { try self.readResponseNow(headOnly: headOnly) }
    }

    func readFrame() async throws -> WebSocketFrame { try await onThread { try self.readFrameNow() } }

    func isClosedByServer() async -> Bool { (try? await onThread { self.isClosedByServerNow() }) ?? false }

    private func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
