/// A strict RFC 8259 parser over UTF-8 bytes; use it through `JSONValue.parse`.
///
/// It never recurses: open arrays and objects are frames on a heap stack, and their finished
/// members wait on one shared value stack until the closing bracket gathers them, so parsing hostile
/// nesting costs no call stack. The result is another matter: encoding, `==` and deallocation of a
/// `JSONValue` recurse once per level, which is why `maxDepth` exists and why its default stays
/// small enough for a cooperative-pool thread's stack.
///
/// The buffer is only valid for the duration of `parse`, so the type stays internal.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0
    private var frames: [Frame] = []
    /// Members of every open container, outermost first.
    private var values: [JSONValue] = []
    /// Keys of the members of every open object, parallel to their entries in `values`.
    private var keys: [String] = []
    /// Reused to assemble strings that contain escapes.
    private var scratch: [UInt8] = []

    private struct Frame {
        var isObject: Bool
        var valueStart: Int
        var keyStart: Int
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONParseError) -> JSONValue {
        precondition(maxDepth >= 0, "maxDepth must not be negative")
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    // MARK: - Structure (RFC 8259 §2, §4, §5)

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        nextValue: while true {
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
            var value: JSONValue
            switch bytes[index] {
            case .openBrace, .openBracket:
                let isObject = bytes[index] == .openBrace
                guard frames.count < maxDepth else { throw .tooDeep(limit: maxDepth, offset: index) }
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == (isObject ? .closeBrace : .closeBracket) {
                    index += 1
                    value = isObject ? .object([]) : .array([])
                } else {
                    frames.append(Frame(isObject: isObject, valueStart: values.count, keyStart: keys.count))
                    if isObject { try parseKey() }
                    continue nextValue
                }
            case .quote:
                index += 1
                value = .string(try parseString())
            case .t: value = .bool(try parseLiteral("true", true))
            case .f: value = .bool(try parseLiteral("false", false))
            case .n: value = try parseLiteral("null", .null)
            case .minus, .digitZero...(.digitNine): value = try parseNumber()
            case let byte: throw .invalidCharacter(byte, offset: index, context: .beginningOfValue)
            }

            // A value is complete: add it to its container, closing every container that ends here.
            while let frame = frames.last {
                values.append(value)
                skipWhitespace()
                guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
                let byte = bytes[index]
                if byte == .comma {
                    index += 1
                    if frame.isObject {
                        skipWhitespace()
                        try parseKey()
                    }
                    continue nextValue
                }
                guard byte == (frame.isObject ? .closeBrace : .closeBracket) else {
                    let context: JSONParseError.Context = frame.isObject ? .afterObjectValue : .afterArrayElement
                    throw .invalidCharacter(byte, offset: index, context: context)
                }
                index += 1
                value = close(frame)
                frames.removeLast()
            }
            skipWhitespace()
            guard index == bytes.count else {
                throw .invalidCharacter(bytes[index], offset: index, context: .afterTopLevelValue)
            }
            return value
        }
    }

    /// Reads `"key"` and the `:` after it (RFC 8259 §4), leaving the key on `keys`.
    private mutating func parseKey() throws(JSONParseError) {
        guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
        guard bytes[index] == .quote else {
            throw .invalidCharacter(bytes[index], offset: index, context: .beginningOfObjectKey)
        }
        index += 1
        keys.append(try parseString())
        skipWhitespace()
        guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
        guard bytes[index] == .colon else {
            throw .invalidCharacter(bytes[index], offset: index, context: .afterObjectKey)
        }
        index += 1
    }

    /// Moves a finished container's members off the shared stacks into a value.
    private mutating func close(_ frame: Frame) -> JSONValue {
        let count = values.count - frame.valueStart
        defer { values.removeLast(count) }
        guard frame.isObject else { return .array(Array(values[frame.valueStart...])) }
        var members: [(String, JSONValue)] = []
        members.reserveCapacity(count)
        for offset in 0..<count {
            members.append((keys[frame.keyStart + offset], values[frame.valueStart + offset]))
        }
        keys.removeLast(count)
        return .object(members)
    }

    /// Whitespace is exactly space, tab, line feed and carriage return (RFC 8259 §2).
    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case .space, .tab, .lineFeed, .carriageReturn: index += 1
            default: return
            }
        }
    }

    private mutating func parseLiteral<T>(_ literal: StaticString, _ value: T) throws(JSONParseError) -> T {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
            guard bytes[index] == byte else {
                let context = JSONParseError.Context.inLiteral(literal.description, expecting: byte)
                throw .invalidCharacter(bytes[index], offset: index, context: context)
            }
            index += 1
        }
        return value
    }

    // MARK: - Numbers (RFC 8259 §6)

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. An integer that fits `Int` is `.int`;
    /// a fraction, an exponent or a larger integer is `.double`, and one that overflows `Double` is
    /// refused rather than turned into infinity, which JSON cannot express.
    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let negative = bytes[index] == .minus
        if negative { index += 1 }
        guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
        let digitsStart = index
        if bytes[index] == .digitZero {
            index += 1
        } else if bytes[index].isDigit {
            skipDigits()
        } else {
            throw .invalidCharacter(bytes[index], offset: index, context: .inNumber)
        }
        let digitsEnd = index
        var isInteger = true
        if index < bytes.count, bytes[index] == .period {
            isInteger = false
            index += 1
            try requireDigit(context: .afterDecimalPoint)
            skipDigits()
        }
        if index < bytes.count, bytes[index] == .e || bytes[index] == .upperE {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == .plus || bytes[index] == .minus { index += 1 }
            try requireDigit(context: .inExponent)
            skipDigits()
        }
        if isInteger, let integer = integerValue(digitsStart..<digitsEnd, negative: negative) {
            return .int(integer)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            throw .numberOutOfRange(literal: String(text.prefix(40)), offset: start)
        }
        return .double(double)
    }

    /// The decimal digits in `range` as an `Int`, or nil when out of range. Negative numbers are
    /// accumulated downwards so that `Int.min` fits.
    private func integerValue(_ range: Range<Int>, negative: Bool) -> Int? {
        var result = 0
        for position in range {
            let digit = Int(bytes[position] &- .digitZero)
            let (shifted, overflow) = result.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let (next, overflow2) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow2 else { return nil }
            result = next
        }
        return result
    }

    @inline(__always)
    private mutating func skipDigits() {
        while index < bytes.count, bytes[index].isDigit { index += 1 }
    }

    private func requireDigit(context: JSONParseError.Context) throws(JSONParseError) {
        guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
        guard bytes[index].isDigit else { throw .invalidCharacter(bytes[index], offset: index, context: context) }
    }

    // MARK: - Strings (RFC 8259 §7, §8)

    /// Reads a string whose opening quote is already consumed. A run without escapes becomes a
    /// `String` in one step from the input bytes; only strings with escapes go through `scratch`.
    private mutating func parseString() throws(JSONParseError) -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == .quote {
                let string = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return string
            }
            if byte == .backslash { return try parseEscapedString(from: start) }
            try advanceUnescaped(byte)
        }
        throw .unexpectedEnd(offset: index)
    }

    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var runStart = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == .quote {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte == .backslash {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape()
                runStart = index
            } else {
                try advanceUnescaped(byte)
            }
        }
        throw .unexpectedEnd(offset: index)
    }

    /// Steps over one unescaped character: ASCII other than control characters, or a well-formed
    /// UTF-8 sequence.
    @inline(__always)
    private mutating func advanceUnescaped(_ byte: UInt8) throws(JSONParseError) {
        if byte >= 0x20 && byte < 0x80 {
            index += 1
        } else if byte < 0x20 {
            throw .invalidCharacter(byte, offset: index, context: .inString)
        } else {
            try skipUTF8Sequence()
        }
    }

    /// Validates the multi-byte sequence at `index` per RFC 3629 §4 (no overlong forms, no
    /// surrogates, nothing above U+10FFFF) and steps over it.
    private mutating func skipUTF8Sequence() throws(JSONParseError) {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: throw .invalidUTF8(lead, offset: index)
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else {
            throw .invalidUTF8(lead, offset: index)
        }
        for position in (index + 2)..<(index + length) where bytes[position] & 0xC0 != 0x80 {
            throw .invalidUTF8(lead, offset: index)
        }
        index += length
    }

    /// Decodes the escape at `index` (a backslash) into `scratch`.
    private mutating func parseEscape() throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case .quote, .backslash, .slash: scratch.append(byte)
        case .b: scratch.append(0x08)
        case .f: scratch.append(0x0C)
        case .n: scratch.append(.lineFeed)
        case .r: scratch.append(.carriageReturn)
        case .t: scratch.append(.tab)
        case .u:
            let unit = try parseHex4()
            var scalar = UInt32(unit)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate counts only with a low one escaped right after it.
                guard index + 1 < bytes.count, bytes[index] == .backslash, bytes[index + 1] == .u else {
                    throw .loneSurrogate(unit, offset: escapeStart)
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw .loneSurrogate(unit, offset: escapeStart) }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            case 0xDC00...0xDFFF:
                throw .loneSurrogate(unit, offset: escapeStart)
            default:
                break
            }
            // Not a surrogate, so always a valid scalar.
            scratch.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
        default:
            throw .invalidCharacter(byte, offset: index - 1, context: .inStringEscape)
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw .unexpectedEnd(offset: index) }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case .digitZero...(.digitNine): digit = byte - .digitZero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .invalidCharacter(byte, offset: index, context: .inUnicodeEscape)
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }
}

extension UInt8 {
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let minus = UInt8(ascii: "-")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let period = UInt8(ascii: ".")
    fileprivate static let digitZero = UInt8(ascii: "0")
    fileprivate static let digitNine = UInt8(ascii: "9")
    fileprivate static let b = UInt8(ascii: "b")
    fileprivate static let e = UInt8(ascii: "e")
    fileprivate static let upperE = UInt8(ascii: "E")
    fileprivate static let f = UInt8(ascii: "f")
    fileprivate static let n = UInt8(ascii: "n")
    fileprivate static let r = UInt8(ascii: "r")
    fileprivate static let t = UInt8(ascii: "t")
    fileprivate static let u = UInt8(ascii: "u")

    fileprivate var isDigit: Bool { self &- .digitZero < 10 }
}
