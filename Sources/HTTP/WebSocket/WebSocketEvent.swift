/// What a peer said, as ``WebSocketMessageAssembler`` reports it: whole messages (fragments
/// already joined) and control frames.
public enum WebSocketEvent: Sendable, Equatable {
    /// A complete text message, already checked to be valid UTF-8 (RFC 6455 §5.6, §8.1).
    case text(String)
    /// A complete binary message.
    case binary([UInt8])
    /// A ping; answer with a pong carrying the same payload (RFC 6455 §5.5.2).
    case ping([UInt8])
    /// A pong (RFC 6455 §5.5.3).
    case pong([UInt8])
    /// A close frame (RFC 6455 §5.5.1). `code` is nil when the frame had no body (the peer's
    /// status is then "1005, no status received", which must not itself be sent, §7.4.1).
    case close(code: UInt16?, reason: String)
}
