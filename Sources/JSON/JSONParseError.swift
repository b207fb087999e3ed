/// Why `JSONValue.parse` refused its input, and where. Offsets count bytes of the UTF-8 input from 0
/// and point at the offending byte (for a number, a surrogate escape or a UTF-8 sequence: its first
/// byte). `message` follows the wording of Go's `encoding/json`, which LXD clients already show to
/// users, with the offset spliced in.
public enum JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A byte that cannot appear here; `context` says what the parser was reading or looking for.
    case invalidCharacter(UInt8, offset: Int, context: Context)
    /// The input stopped inside a value (or was empty).
    case unexpectedEnd(offset: Int)
    /// A string holds a byte sequence that is not UTF-8 (RFC 8259 §8.1 requires UTF-8); the offset
    /// and byte are those of the sequence's first byte.
    case invalidUTF8(UInt8, offset: Int)
    /// A `\uXXXX` escape of a UTF-16 surrogate that is not half of a high-low pair, which names no
    /// Unicode scalar and so cannot be held by a `String` (RFC 8259 §8.2).
    case loneSurrogate(UInt16, offset: Int)
    /// A number that overflows `Double` to infinity, which JSON cannot express; `literal` is its
    /// text, cut to 40 bytes.
    case numberOutOfRange(literal: String, offset: Int)
    /// Arrays and objects nested deeper than the parser's limit.
    case tooDeep(limit: Int, offset: Int)

    /// What the parser was doing when it met an invalid character.
    public enum Context: Sendable, Equatable {
        case beginningOfValue
        case beginningOfObjectKey
        case afterObjectKey
        case afterObjectValue
        case afterArrayElement
        case afterTopLevelValue
        case inString
        case inStringEscape
        case inUnicodeEscape
        case inNumber
        case afterDecimalPoint
        case inExponent
        /// Inside `true`, `false` or `null`, where `expecting` was the next byte of the literal.
        case inLiteral(String, expecting: UInt8)

        /// Go's phrase for the context, e.g. "looking for beginning of value".
        public var phrase: String {
            switch self {
            case .beginningOfValue: "looking for beginning of value"
            case .beginningOfObjectKey: "looking for beginning of object key string"
            case .afterObjectKey: "after object key"
            case .afterObjectValue: "after object key:value pair"
            case .afterArrayElement: "after array element"
            case .afterTopLevelValue: "after top-level value"
            case .inString: "in string literal"
            case .inStringEscape: "in string escape code"
            case .inUnicodeEscape: "in \\u hexadecimal character escape"
            case .inNumber: "in numeric literal"
            case .afterDecimalPoint: "after decimal point in numeric literal"
            case .inExponent: "in exponent of numeric literal"
            case .inLiteral(let literal, let expecting):
                "in literal \(literal) (expecting \(JSONParseError.quote(expecting)))"
            }
        }
    }

    /// Byte offset of the problem in the input.
    public var offset: Int {
        switch self {
        case .invalidCharacter(_, let offset, _), .unexpectedEnd(let offset), .invalidUTF8(_, let offset),
            .loneSurrogate(_, let offset), .numberOutOfRange(_, let offset), .tooDeep(_, let offset):
            offset
        }
    }

    /// One line for logs and error envelopes, e.g.
    /// "invalid character 'x' at offset 12 looking for beginning of value".
    public var message: String {
        switch self {
        case .invalidCharacter(let byte, let offset, let context):
            "invalid character \(JSONParseError.quote(byte)) at offset \(offset) \(context.phrase)"
        case .unexpectedEnd(let offset):
            "unexpected end of JSON input at offset \(offset)"
        case .invalidUTF8(let byte, let offset):
            "invalid UTF-8 sequence starting with byte 0x\(JSONParseError.hex(UInt16(byte), digits: 2))"
                + " at offset \(offset) in string literal"
        case .loneSurrogate(let unit, let offset):
            "lone surrogate \\u\(JSONParseError.hex(unit, digits: 4)) at offset \(offset) in string literal"
        case .numberOutOfRange(let literal, let offset):
            "number \(literal) at offset \(offset) is out of range of a 64-bit float"
        case .tooDeep(let limit, let offset):
            "exceeded max depth of \(limit) at offset \(offset)"
        }
    }

    public var description: String { message }

    /// A byte quoted as Go's `quoteChar` does for ASCII; other bytes as `'\xff'`, since a lone byte
    /// of a multi-byte sequence is not a character.
    static func quote(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "'"): #"'\''"#
        case UInt8(ascii: "\\"): #"'\\'"#
        case UInt8(ascii: "\t"): #"'\t'"#
        case UInt8(ascii: "\n"): #"'\n'"#
        case UInt8(ascii: "\r"): #"'\r'"#
        case 0x20..<0x7F: "'\(Character(Unicode.Scalar(byte)))'"
        default: "'\\x\(hex(UInt16(byte), digits: 2))'"
        }
    }

    static func hex(_ value: UInt16, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
