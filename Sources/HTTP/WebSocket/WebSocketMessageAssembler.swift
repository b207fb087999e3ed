/// Turns frames into messages (RFC 6455 §5.4, §5.5, §5.6): joins fragments, validates text as
/// UTF-8 while it arrives, parses close frames, and passes control frames through even when
/// they arrive between the fragments of a message.
public struct WebSocketMessageAssembler: Sendable {
    /// The fragmented message in progress, if any.
    enum State: Sendable {
        case idle
        case text
        case binary
    }

    /// The largest message, all fragments together; larger ones fail with ``WebSocketError/messageTooBig``.
    public let maxMessageSize: Int

    private var state: State = .idle
    private var message: [UInt8] = []
    private var utf8 = UTF8Validator()

    public init(maxMessageSize: Int = 16 << 20) {
        self.maxMessageSize = maxMessageSize
    }

    /// Whether a fragmented message has started and not yet finished.
    public var isAssembling: Bool {
        if case .idle = state { return false }
        return true
    }

    /// Feeds one frame; returns an event when it completes a message or is a control frame, and
    /// nil for a non-final fragment.
    /// - Throws: ``WebSocketError``; fail the connection with its ``WebSocketError/closeCode``.
    public mutating func push(_ frame: WebSocketFrame) throws(WebSocketError) -> WebSocketEvent? {
        guard !frame.rsv1 && !frame.rsv2 && !frame.rsv3 else { throw .reservedBitsSet }
        if frame.opcode.isControl {
            guard frame.fin else { throw .fragmentedControlFrame }
            guard frame.payload.count <= 125 else { throw .controlFrameTooLong }
        }
        switch frame.opcode {
        case .ping:
            return .ping(frame.payload)
        case .pong:
            return .pong(frame.payload)
        case .close:
            return try Self.parseClose(frame.payload)
        case .text, .binary:
            guard case .idle = state else { throw .expectedContinuation }
            let isText = frame.opcode == .text
            if frame.fin {
                guard frame.payload.count <= maxMessageSize else { throw .messageTooBig }
                if isText {
                    guard UTF8Validator.isValid(frame.payload) else { throw .invalidUTF8 }
                    return .text(String(decoding: frame.payload, as: UTF8.self))
                }
                return .binary(frame.payload)
            }
            state = isText ? .text : .binary
            message = []
            utf8 = UTF8Validator()
            return try appendFragment(frame.payload, final: false)
        case .continuation:
            guard !isAssembling else { return try appendFragment(frame.payload, final: frame.fin) }
            throw .unexpectedContinuation
        }
    }

    private mutating func appendFragment(_ payload: [UInt8], final: Bool) throws(WebSocketError) -> WebSocketEvent? {
        guard payload.count <= maxMessageSize - message.count else { throw .messageTooBig }
        let isText: Bool
        if case .text = state { isText = true } else { isText = false }
        // RFC 6455 §8.1 lets an endpoint fail as soon as the bytes so far cannot be valid UTF-8,
        // even in the middle of a fragment; a code point may still straddle two fragments.
        if isText && !utf8.consume(payload) { throw .invalidUTF8 }
        message.append(contentsOf: payload)
        guard final else { return nil }
        if isText && !utf8.isComplete { throw .invalidUTF8 }
        let bytes = message
        message = []
        state = .idle
        return isText ? .text(String(decoding: bytes, as: UTF8.self)) : .binary(bytes)
    }

    /// Parses a close frame body: nothing, or a 2-byte status code and a UTF-8 reason (RFC 6455 §5.5.1).
    static func parseClose(_ payload: [UInt8]) throws(WebSocketError) -> WebSocketEvent {
        if payload.isEmpty { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { throw .invalidClosePayload }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard isValidCloseCode(code) else { throw .invalidCloseCode(code) }
        let reason = payload[2...]
        guard UTF8Validator.isValid(reason) else { throw .invalidUTF8 }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }

    /// Whether a peer may send `code` in a close frame (RFC 6455 §7.4.1, §7.4.2, IANA registry):
    /// 1000–1003 and 1007–1011 are defined; 1004 is reserved; 1005, 1006 and 1015 are for local
    /// reporting only and must never be on the wire; 3000–4999 belong to libraries and
    /// applications. Everything below 1000 and the unassigned 1012–2999 are refused (1012–1014
    /// were registered later but are not in RFC 6455; accepting them is not required).
    public static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: true
        default: false
        }
    }
}
