/// Why a WebSocket handshake or stream was refused. Stream errors fail the connection
/// (RFC 6455 §7.1.7): send a close frame with ``closeCode`` and close the socket.
public enum WebSocketError: Error, Sendable, Equatable {
    /// A client frame arrived without a mask. RFC 6455 §5.1: "The server MUST close the
    /// connection upon receiving a frame that is not masked."
    case unmaskedFrame
    /// RSV1, RSV2 or RSV3 is set, but no extension was negotiated to define them (RFC 6455 §5.2).
    case reservedBitsSet
    /// The opcode is one of the reserved values 3–7 or 0xB–0xF (RFC 6455 §5.2).
    case unknownOpcode(UInt8)
    /// A close, ping or pong frame without FIN: control frames must not be fragmented (RFC 6455 §5.5).
    case fragmentedControlFrame
    /// A control frame with a payload over 125 bytes (RFC 6455 §5.5).
    case controlFrameTooLong
    /// A 64-bit payload length with its most significant bit set (RFC 6455 §5.2).
    case invalidFrameLength
    /// A continuation frame arrived with no fragmented message in progress (RFC 6455 §5.4).
    case unexpectedContinuation
    /// A new text or binary frame arrived before the fragmented message in progress ended
    /// (RFC 6455 §5.4: fragments of one message are not interleaved with another).
    case expectedContinuation
    /// A close frame whose payload is 1 byte: too short for a status code (RFC 6455 §5.5.1).
    case invalidClosePayload
    /// A close frame with a status code that may not be sent on the wire (RFC 6455 §7.4).
    case invalidCloseCode(UInt16)
    /// A text message or close reason that is not valid UTF-8 (RFC 6455 §8.1).
    case invalidUTF8
    /// A frame or message larger than the configured limit (RFC 6455 §7.4.1, code 1009).
    case messageTooBig
    /// The opening handshake request is not a valid WebSocket upgrade (RFC 6455 §4.2.1); the
    /// string says which requirement failed. Answer with 400 (426 for a wrong version).
    case handshake(String)

    /// The status code for the close frame that fails the connection (RFC 6455 §7.4.1):
    /// 1007 for invalid UTF-8, 1009 for oversize messages, 1002 for every protocol violation.
    public var closeCode: UInt16 {
        switch self {
        case .invalidUTF8: 1007
        case .messageTooBig: 1009
        case .unmaskedFrame, .reservedBitsSet, .unknownOpcode, .fragmentedControlFrame, .controlFrameTooLong,
            .invalidFrameLength, .unexpectedContinuation, .expectedContinuation, .invalidClosePayload,
            .invalidCloseCode, .handshake:
            1002
        }
    }

    /// A short sentence for logs and close reasons (a close reason must fit in 123 bytes, §5.5).
    public var message: String {
        switch self {
        case .unmaskedFrame: "Client frame is not masked"
        case .reservedBitsSet: "Reserved frame bits set without a negotiated extension"
        case .unknownOpcode(let opcode): "Unknown opcode \(opcode)"
        case .fragmentedControlFrame: "Control frame is fragmented"
        case .controlFrameTooLong: "Control frame payload longer than 125 bytes"
        case .invalidFrameLength: "Frame length has its most significant bit set"
        case .unexpectedContinuation: "Continuation frame without a message to continue"
        case .expectedContinuation: "New message started before the fragmented one finished"
        case .invalidClosePayload: "Close frame payload of 1 byte"
        case .invalidCloseCode(let code): "Invalid close code \(code)"
        case .invalidUTF8: "Text is not valid UTF-8"
        case .messageTooBig: "Message too big"
        case .handshake(let reason): reason
        }
    }
}
