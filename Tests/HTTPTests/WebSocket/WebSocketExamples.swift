import HTTP

/// The example frames of RFC 6455 §5.7, byte for byte.
enum WebSocketExamples {
    static let key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xFA, 0x21, 0x3D)

    /// A single-frame unmasked text message containing "Hello".
    static let unmaskedHello: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
    /// A single-frame masked text message containing "Hello".
    static let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
    /// A fragmented unmasked text message: "Hel" then "lo".
    static let fragmentedHel: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C]
    static let fragmentedLo: [UInt8] = [0x80, 0x02, 0x6C, 0x6F]
    /// Unmasked ping with body "Hello".
    static let unmaskedPing: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
    /// Masked pong with body "Hello", answering that ping.
    static let maskedPong: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
    /// 256 bytes binary message in a single unmasked frame: 16-bit length.
    static let binary256Header: [UInt8] = [0x82, 0x7E, 0x01, 0x00]
    /// 64 KiB binary message in a single unmasked frame: 64-bit length.
    static let binary64KHeader: [UInt8] = [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]

    static let hello = Array("Hello".utf8)
    static let payload256 = (0..<256).map { UInt8(truncatingIfNeeded: $0) }
    static let payload64K = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    /// A client-side frame, masked with `key`.
    static func masked(_ frame: WebSocketFrame, key: (UInt8, UInt8, UInt8, UInt8) = key) -> [UInt8] {
        var out: [UInt8] = []
        WebSocketFrameEncoder.encode(frame, maskingKey: key, into: &out)
        return out
    }
}
