import HTTP

/// How a responder answers one request.
public enum Reply: Sendable {
    /// A response ready now; written at once, without leaving the loop thread.
    case response(HTTPResponse)
    /// Async work that runs as a task and then answers with any other kind of reply (a response, a
    /// stream, an upgrade); the connection waits for it (later pipelined requests queue behind it).
    case deferred(@Sendable () async -> Reply)
    /// A response whose head is sent at once and whose body is streamed with chunked encoding until
    /// the producer returns. `head.body` is ignored.
    case stream(head: HTTPResponse, producer: @Sendable (ResponseBodyWriter) async -> Void)
    /// A WebSocket upgrade (RFC 6455 §4.2.2): the server validates the handshake, answers 101 with
    /// `headers` added, then runs `handler` with the session until it returns or the peer closes.
    case webSocket(headers: HTTPHeaders, handler: @Sendable (WebSocketSession) async -> Void)
}
