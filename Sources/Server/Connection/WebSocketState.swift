import HTTP

/// The codec state and session of an upgraded connection.
final class WebSocketState {
    var decoder: WebSocketFrameDecoder
    var assembler: WebSocketMessageAssembler
    let session: WebSocketSession
    var handlerTask: Task<Void, Never>?
    /// Set once our close frame is queued; no data frames may follow it (RFC 6455 §5.5.1).
    var closeSentAt: Int64?
    var closeReceived = false

    init(session: WebSocketSession, maxFrameBytes: Int, maxMessageBytes: Int) {
        self.session = session
        decoder = WebSocketFrameDecoder(maxFrameSize: maxFrameBytes, requireMaskedFrames: true)
        assembler = WebSocketMessageAssembler(maxMessageSize: maxMessageBytes)
    }
}
