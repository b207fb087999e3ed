/// Writes WebSocket frames (RFC 6455 §5.2) with the shortest length encoding.
public enum WebSocketFrameEncoder {
    /// Appends `frame` to `buffer`.
    ///
    /// - Parameters:
    ///   - maskingKey: nil for frames a server sends, which must not be masked (RFC 6455 §5.1);
    ///     a key for frames a client sends (tests, clients), which must be masked with a fresh,
    ///     unpredictable key per frame (§5.3; choosing it is the caller's job).
    public static func encode(
        _ frame: WebSocketFrame, maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil, into buffer: inout [UInt8]
    ) {
        var first = frame.opcode.rawValue
        if frame.fin { first |= 0x80 }
        if frame.rsv1 { first |= 0x40 }
        if frame.rsv2 { first |= 0x20 }
        if frame.rsv3 { first |= 0x10 }
        buffer.append(first)

        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        let length = frame.payload.count
        if length <= 125 {
            buffer.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            buffer.append(maskBit | 126)
            buffer.append(UInt8(truncatingIfNeeded: length >> 8))
            buffer.append(UInt8(truncatingIfNeeded: length))
        } else {
            buffer.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                buffer.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift)))
            }
        }

        guard let key = maskingKey else {
            buffer.append(contentsOf: frame.payload)
            return
        }
        buffer.append(contentsOf: [key.0, key.1, key.2, key.3])
        let start = buffer.count
        buffer.append(contentsOf: frame.payload)
        buffer.withUnsafeMutableBytes { all in
            WebSocketMasking.apply(key, to: UnsafeMutableRawBufferPointer(rebasing: all[start...]))
        }
    }
}
