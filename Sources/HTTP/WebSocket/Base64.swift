/// Base64 with the standard alphabet and padding (RFC 4648 §4), for `Sec-WebSocket-Key` and
/// `Sec-WebSocket-Accept` (RFC 6455 §4.2.1, §4.2.2).
enum Base64 {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        let table = alphabet.utf8Start
        var i = 0
        while i < input.count {
            let b0 = UInt32(input[i])
            let b1 = i + 1 < input.count ? UInt32(input[i + 1]) : 0
            let b2 = i + 2 < input.count ? UInt32(input[i + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(table[Int(triple >> 18 & 0x3F)])
            out.append(table[Int(triple >> 12 & 0x3F)])
            out.append(i + 1 < input.count ? table[Int(triple >> 6 & 0x3F)] : 0x3D)
            out.append(i + 2 < input.count ? table[Int(triple & 0x3F)] : 0x3D)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical base64: length a multiple of 4, `=` only as final padding, and unused
    /// bits in the last symbol zero (RFC 4648 §3.5). Anything else gives nil.
    static func decode(_ string: String) -> [UInt8]? {
        let input = Array(string.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            let isLast = i + 4 == input.count
            let padding = isLast ? (input[i + 3] == 0x3D ? (input[i + 2] == 0x3D ? 2 : 1) : 0) : 0
            var quad: UInt32 = 0
            for k in 0..<4 {
                let value: UInt32
                if k >= 4 - padding {
                    value = 0
                } else {
                    guard let v = sextet(input[i + k]) else { return nil }
                    value = v
                }
                quad = quad << 6 | value
            }
            out.append(UInt8(truncatingIfNeeded: quad >> 16))
            if padding < 2 { out.append(UInt8(truncatingIfNeeded: quad >> 8)) }
            if padding < 1 { out.append(UInt8(truncatingIfNeeded: quad)) }
            // Non-canonical: bits that the padding says are unused must be zero.
            if padding == 2 && quad & 0xFFFF != 0 { return nil }
            if padding == 1 && quad & 0xFF != 0 { return nil }
            i += 4
        }
        return out
    }

    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x41...0x5A: UInt32(byte - 0x41)
        case 0x61...0x7A: UInt32(byte - 0x61 + 26)
        case 0x30...0x39: UInt32(byte - 0x30 + 52)
        case 0x2B: 62
        case 0x2F: 63
        default: nil
        }
    }
}
