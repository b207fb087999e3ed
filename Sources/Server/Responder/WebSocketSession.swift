import HTTP
import Synchronization

/// One upgraded WebSocket connection as its handler sees it. Control frames (ping replies, the close
/// handshake, protocol errors) are handled by the server; the handler reads `messages` and sends.
public final class WebSocketSession: Sendable {
    /// The upgrade request (path, query, headers) and who sent it.
    public let request: HTTPRequest
    public let context: RequestContext
    /// Data messages and pongs from the peer; finishes when the connection closes.
    public let messages: AsyncStream<WebSocketMessage>

    let continuation: AsyncStream<WebSocketMessage>.Continuation
    private let loop: EventLoopHandle
    private let connectionID: UInt64
    private let closed = Atomic<Bool>(false)
    let gauge = OutputGauge()

    init(request: HTTPRequest, context: RequestContext, loop: EventLoopHandle, connectionID: UInt64) {
        self.request = request
        self.context = context
        self.loop = loop
        self.connectionID = connectionID
        (messages, continuation) = AsyncStream.makeStream(of: WebSocketMessage.self, bufferingPolicy: .unbounded)
    }

    public var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// Roughly how many sent bytes the peer has not read yet (see `ResponseBodyWriter.pendingBytes`).
    public var pendingBytes: Int { gauge.value }

    public func send(text: String) throws(ServerError) {
        try send(WebSocketFrame(fin: true, opcode: .text, payload: Array(text.utf8)))
    }

    public func send(binary: [UInt8]) throws(ServerError) {
        try send(WebSocketFrame(fin: true, opcode: .binary, payload: binary))
    }

    /// Sends a ping; its pong arrives in `messages`.
    public func ping(_ payload: [UInt8] = []) throws(ServerError) {
        try send(WebSocketFrame(fin: true, opcode: .ping, payload: Array(payload.prefix(125))))
    }

    /// Starts the close handshake (RFC 6455 §7.1.2); the connection closes once the peer answers or
    /// after the close timeout.
    public func close(code: UInt16 = 1000, reason: String = "") {
        guard !isClosed else { return }
        let id = connectionID
        loop.execute { loop in loop.closeWebSocket(connectionID: id, code: code, reason: reason) }
    }

    private func send(_ frame: WebSocketFrame) throws(ServerError) {
        guard !isClosed else { throw .connectionClosed }
        gauge.add(frame.payload.count)
        let id = connectionID
        loop.execute { loop in loop.sendWebSocketFrame(connectionID: id, frame) }
    }

    func markClosed() {
        closed.store(true, ordering: .releasing)
        continuation.finish()
    }
}
