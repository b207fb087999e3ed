import Foundation
import HTTP

/// What the raw socket client and the TLS client share above their transport: HTTP responses
/// and WebSocket frames read from whatever `receive` returns, and masked frames sent with `send`.
/// A test double: it lives in Tests/ only.
protocol ByteStreamClient: AnyObject {
    /// Received bytes not yet consumed by a response or a frame.
    var reader: HTTPResponseReader { get set }
    /// Made at the first frame read, from what the reader still holds after the handshake.
    var frameDecoder: WebSocketFrameDecoder? { get set }
    /// The next bytes; nil when the peer has ended the stream; throws `TestClientError.timeout`.
    func receive() throws -> [UInt8]?
    func send(_ bytes: [UInt8])
}

/// How a test client failed, for the raw and the TLS client alike.
enum TestClientError: Error, Equatable {
    case connect(Int32)
    case handshake([String])
    case closed
    case timeout
    case malformed(String)
}

extension ByteStreamClient {
    func send(_ text: String) { send(Array(text.utf8)) }

    func readBytes(_ count: Int) throws -> [UInt8] {
        try parsing { try reader.readBytes(count, receive) }
    }

    /// Reads one response (Content-Length, chunked, or until close).
    func readResponseNow(headOnly: Bool = false) throws -> RawClient.Response {
        try parsing { try reader.readResponse(headOnly: headOnly, receive) }
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
            var decoder = WebSocketFrameDecoder(maxFrameSize: 1 << 24, requireMaskedFrames: false)
            decoder.append(reader.buffer)
            reader.buffer.removeAll()
            frameDecoder = decoder
        }
        while true {
            if let frame = try frameDecoder?.next() { return frame }
            guard let bytes = try receive() else { throw TestClientError.closed }
            frameDecoder?.append(bytes)
        }
    }

    /// The shared reader's failures as the clients' errors.
    private func parsing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch HTTPResponseReader.Failure.closed {
            throw TestClientError.closed
        } catch HTTPResponseReader.Failure.malformed(let text) {
            throw TestClientError.malformed(text)
        }
    }
}

/// Runs a blocking client call on a thread of its own: a blocked thread of Swift's cooperative
/// pool (two threads here) would starve the server's handler tasks under test.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
