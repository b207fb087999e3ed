/// Splits a WebSocket byte stream into frames (RFC 6455 §5.2) and unmasks their payloads.
///
/// Header rules are checked as soon as the two first bytes of a frame arrive, before its payload
/// is buffered: reserved bits, reserved opcodes, a missing client mask, fragmented or oversized
/// control frames, and the configured size limit. Length fields that are longer than necessary
/// (a 5-byte payload sent with a 16-bit length) are accepted: RFC 6455 §5.2 asks senders for the
/// minimal encoding but gives receivers no rule, and rejecting them would buy nothing.
///
/// The decoder does not join fragments or look inside payloads; that is
/// ``WebSocketMessageAssembler``'s job. After an error, every call throws it again.
public struct WebSocketFrameDecoder: Sendable {
    /// The largest payload accepted in one frame; larger frames fail with ``WebSocketError/messageTooBig``.
    public let maxFrameSize: Int
    /// Whether frames must be masked, as every frame from a client must be (RFC 6455 §5.1). A
    /// client-side decoder (tests) passes false and then accepts masked and unmasked frames.
    public let requireMaskedFrames: Bool

    private var input = InputBuffer()
    private var failure: WebSocketError?

    public init(maxFrameSize: Int = 1 << 20, requireMaskedFrames: Bool = true) {
        self.maxFrameSize = maxFrameSize
        self.requireMaskedFrames = requireMaskedFrames
    }

    /// Buffers bytes read from the connection.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) { input.append(bytes) }

    /// Buffers bytes read from the connection.
    public mutating func append(_ bytes: [UInt8]) { input.append(bytes) }

    /// The number of bytes buffered and not yet returned as part of a frame.
    public var bufferedByteCount: Int { input.readableCount }

    /// Returns the next complete frame, or nil when more bytes are needed.
    /// - Throws: ``WebSocketError``; fail the connection with its ``WebSocketError/closeCode``.
    public mutating func next() throws(WebSocketError) -> WebSocketFrame? {
        if let failure { throw failure }
        do throws(WebSocketError) {
            return try decode()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func decode() throws(WebSocketError) -> WebSocketFrame? {
        let available = input.readableCount
        guard available >= 2 else { return nil }
        let first = input.bytes[input.readIndex]
        let second = input.bytes[input.readIndex + 1]
        let fin = first & 0x80 != 0
        guard first & 0x70 == 0 else { throw .reservedBitsSet }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { throw .unknownOpcode(first & 0x0F) }
        let masked = second & 0x80 != 0
        if requireMaskedFrames && !masked { throw .unmaskedFrame }
        let shortLength = Int(second & 0x7F)
        if opcode.isControl {
            guard fin else { throw .fragmentedControlFrame }
            guard shortLength <= 125 else { throw .controlFrameTooLong }
        }

        var headerLength = 2
        let length: Int
        switch shortLength {
        case 126:
            guard available >= 4 else { return nil }
            length = Int(input.bytes[input.readIndex + 2]) << 8 | Int(input.bytes[input.readIndex + 3])
            headerLength = 4
        case 127:
            guard available >= 10 else { return nil }
            var wide: UInt64 = 0
            for k in 2..<10 { wide = wide << 8 | UInt64(input.bytes[input.readIndex + k]) }
            guard wide & (1 << 63) == 0 else { throw .invalidFrameLength }
            guard wide <= UInt64(max(maxFrameSize, 0)) else { throw .messageTooBig }
            length = Int(wide)
            headerLength = 10
        default:
            length = shortLength
        }
        guard length <= maxFrameSize else { throw .messageTooBig }

        let maskOffset = headerLength
        if masked { headerLength += 4 }
        guard available - headerLength >= length else { return nil }

        let payloadStart = input.readIndex + headerLength
        var payload = Array(input.bytes[payloadStart..<(payloadStart + length)])
        if masked {
            let m = input.readIndex + maskOffset
            let key = (input.bytes[m], input.bytes[m + 1], input.bytes[m + 2], input.bytes[m + 3])
            payload.withUnsafeMutableBytes { WebSocketMasking.apply(key, to: $0) }
        }
        input.readIndex = payloadStart + length
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }
}
