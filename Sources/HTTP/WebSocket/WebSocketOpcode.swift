/// A frame's opcode (RFC 6455 §5.2, §11.8). Values 3–7 and 0xB–0xF are reserved; a frame that
/// carries one fails the connection (RFC 6455 §5.2: "the receiving endpoint MUST _Fail the
/// WebSocket Connection_").
public enum WebSocketOpcode: UInt8, Sendable, Hashable, CaseIterable {
    /// Continues a fragmented text or binary message (RFC 6455 §5.4).
    case continuation = 0x0
    /// A UTF-8 text message or its first fragment (RFC 6455 §5.6).
    case text = 0x1
    /// A binary message or its first fragment (RFC 6455 §5.6).
    case binary = 0x2
    /// Starts the closing handshake (RFC 6455 §5.5.1).
    case close = 0x8
    /// Asks the peer for a pong (RFC 6455 §5.5.2).
    case ping = 0x9
    /// Answers a ping, or is an unsolicited heartbeat (RFC 6455 §5.5.3).
    case pong = 0xA

    /// Control frames (close, ping, pong) have the high opcode bit set (RFC 6455 §5.5): they may
    /// not be fragmented, carry at most 125 bytes, and may arrive between a message's fragments.
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
