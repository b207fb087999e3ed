import CLinux
import Foundation
import HTTP

/// A socket client that speaks raw bytes, so tests control exactly what the server sees (split
/// writes, garbage, half-sent requests) and read exactly what it sends.
///
/// Reads block, so the async wrappers run them on a thread of their own (`onOwnThread`).
/// `@unchecked Sendable`: each test drives its client from one place, one call at a time.
final class RawClient: ByteStreamClient, @unchecked Sendable {
    let fd: Int32
    var reader = HTTPResponseReader()
    var frameDecoder: WebSocketFrameDecoder?

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    typealias ClientError = TestClientError

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
    func receive() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 { return Array(chunk[0..<count]) }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw ClientError.timeout }
        return nil
    }

    /// True when the server closed the connection (EOF) with nothing more to read.
    func isClosedByServerNow() -> Bool {
        do { return try !reader.fill(receive) && reader.buffer.isEmpty } catch { return false }
    }

    func readResponse(headOnly: Bool = false) async throws -> Response {
        try await onOwnThread { try self.readResponseNow(headOnly: headOnly) }
    }

    func readFrame() async throws -> WebSocketFrame { try await onOwnThread { try self.readFrameNow() } }

    func isClosedByServer() async -> Bool { (try? await onOwnThread { self.isClosedByServerNow() }) ?? false }
}
