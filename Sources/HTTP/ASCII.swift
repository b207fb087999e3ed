/// Byte constants and character classes shared by the HTTP and WebSocket codecs.
///
/// Classes follow RFC 9110 §5.6.2 (`tchar`) and §5.5 (field values); they are bit tests rather
/// than table lookups so that the hot path touches no global storage.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let slash: UInt8 = 0x2F
    static let asterisk: UInt8 = 0x2A
    static let percent: UInt8 = 0x25
    static let plus: UInt8 = 0x2B
    static let zero: UInt8 = 0x30

    /// `tchar` bits for bytes 0–63: `! # $ % & ' * + - .` and the digits.
    private static let tokenLow: UInt64 = 0x03FF_6CFA_0000_0000
    /// `tchar` bits for bytes 64–127: letters and `^ _ \` | ~`.
    private static let tokenHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    /// Whether `byte` is a `tchar` (RFC 9110 §5.6.2): the characters allowed in methods and field names.
    @inline(__always)
    static func isTokenChar(_ byte: UInt8) -> Bool {
        if byte < 64 { return tokenLow & (1 &<< UInt64(byte)) != 0 }
        if byte < 128 { return tokenHigh & (1 &<< UInt64(byte &- 64)) != 0 }
        return false
    }

    /// Whether `byte` may appear in a field value (RFC 9110 §5.5): HTAB, SP, VCHAR and obs-text.
    /// NUL, CR, LF, the other C0 controls and DEL are rejected.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= space && byte != 0x7F)
    }

    /// Whether `byte` may appear in a request-target (RFC 9112 §3.2): visible US-ASCII only.
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > space && byte < 0x7F
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte &- 0x30)
        case 0x41...0x46: return Int(byte &- 0x41 &+ 10)
        case 0x61...0x66: return Int(byte &- 0x61 &+ 10)
        default: return nil
        }
    }

    /// Compares `bytes` with the lower-case ASCII `lowercase`, ignoring the case of letters in `bytes`.
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for i in 0..<bytes.count {
            var b = bytes[i]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            if b != expected[i] { return false }
        }
        return true
    }
}
