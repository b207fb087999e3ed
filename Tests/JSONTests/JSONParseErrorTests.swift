import Testing

@testable import JSON

@Suite struct JSONParseErrorTests {
    @Test(arguments: [
        ("[1,]", JSONParseError.invalidCharacter(0x5D, offset: 3, context: .beginningOfValue)),
        (#"{"a":1,}"#, .invalidCharacter(0x7D, offset: 7, context: .beginningOfObjectKey)),
        (#"{"a" 1}"#, .invalidCharacter(0x31, offset: 5, context: .afterObjectKey)),
        (#"{"a":1 "b":2}"#, .invalidCharacter(0x22, offset: 7, context: .afterObjectValue)),
        ("[1 2]", .invalidCharacter(0x32, offset: 3, context: .afterArrayElement)),
        ("01", .invalidCharacter(0x31, offset: 1, context: .afterTopLevelValue)),
        ("-x", .invalidCharacter(0x78, offset: 1, context: .inNumber)),
        ("1.}", .invalidCharacter(0x7D, offset: 2, context: .afterDecimalPoint)),
        ("1e-a", .invalidCharacter(0x61, offset: 3, context: .inExponent)),
        ("tRue", .invalidCharacter(0x52, offset: 1, context: .inLiteral("true", expecting: 0x72))),
        ("\"a\tb\"", .invalidCharacter(0x09, offset: 2, context: .inString)),
        (#""\x""#, .invalidCharacter(0x78, offset: 2, context: .inStringEscape)),
        (#""\u12G4""#, .invalidCharacter(0x47, offset: 5, context: .inUnicodeEscape)),
        (#"["\ud800"]"#, .loneSurrogate(0xD800, offset: 2)),
        (#""\ud83d\u0041""#, .loneSurrogate(0xD83D, offset: 1)),
        (#""ok\udc00""#, .loneSurrogate(0xDC00, offset: 3)),
        ("[1", .unexpectedEnd(offset: 2)),
        ("", .unexpectedEnd(offset: 0)),
        (#""\u00"#, .unexpectedEnd(offset: 5)),
        ("[1e400]", .numberOutOfRange(literal: "1e400", offset: 1)),
        (
            "1" + String(repeating: "0", count: 400),
            .numberOutOfRange(literal: "1" + String(repeating: "0", count: 39), offset: 0)
        ),
    ])
    func errorsNameTheOffendingByteAndItsOffset(input: String, expected: JSONParseError) {
        #expect(throws: expected) { try JSONValue.parse(input) }
    }

    @Test(
        arguments: [
            ([0x22, 0x61, 0xC3, 0x28, 0x22], JSONParseError.invalidUTF8(0xC3, offset: 2)),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8(0xED, offset: 1)),
            ([0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], .invalidUTF8(0xF8, offset: 1)),
            ([0x5B, 0xEF, 0xBB, 0xBF, 0x5D], .invalidCharacter(0xEF, offset: 1, context: .beginningOfValue)),
        ] as [([UInt8], JSONParseError)])
    func invalidUTF8IsReportedAtTheStartOfTheSequence(input: [UInt8], expected: JSONParseError) {
        #expect(throws: expected) { try JSONValue.parse(input) }
    }

    @Test(arguments: [
        (
            JSONParseError.invalidCharacter(0x78, offset: 12, context: .beginningOfValue),
            "invalid character 'x' at offset 12 looking for beginning of value"
        ),
        (
            .invalidCharacter(0x7D, offset: 7, context: .beginningOfObjectKey),
            "invalid character '}' at offset 7 looking for beginning of object key string"
        ),
        (
            .invalidCharacter(0x31, offset: 5, context: .afterObjectValue),
            "invalid character '1' at offset 5 after object key:value pair"
        ),
        (
            .invalidCharacter(0x09, offset: 2, context: .inString),
            #"invalid character '\t' at offset 2 in string literal"#
        ),
        (
            .invalidCharacter(0x27, offset: 0, context: .beginningOfValue),
            #"invalid character '\'' at offset 0 looking for beginning of value"#
        ),
        (
            .invalidCharacter(0x01, offset: 3, context: .inString),
            #"invalid character '\x01' at offset 3 in string literal"#
        ),
        (
            .invalidCharacter(0xFF, offset: 1, context: .beginningOfValue),
            #"invalid character '\xff' at offset 1 looking for beginning of value"#
        ),
        (
            .invalidCharacter(0x47, offset: 5, context: .inUnicodeEscape),
            #"invalid character 'G' at offset 5 in \u hexadecimal character escape"#
        ),
        (
            .invalidCharacter(0x52, offset: 1, context: .inLiteral("true", expecting: 0x72)),
            "invalid character 'R' at offset 1 in literal true (expecting 'r')"
        ),
        (.unexpectedEnd(offset: 2), "unexpected end of JSON input at offset 2"),
        (.invalidUTF8(0xC3, offset: 2), "invalid UTF-8 sequence starting with byte 0xc3 at offset 2 in string literal"),
        (.loneSurrogate(0xD800, offset: 1), #"lone surrogate \ud800 at offset 1 in string literal"#),
        (.numberOutOfRange(literal: "1e400", offset: 0), "number 1e400 at offset 0 is out of range of a 64-bit float"),
        (.tooDeep(limit: 512, offset: 512), "exceeded max depth of 512 at offset 512"),
    ])
    func messagesFollowGosWordingWithTheOffset(error: JSONParseError, message: String) {
        #expect(error.message == message)
        #expect("\(error)" == message)
    }

    @Test func offsetIsThatOfEveryCase() {
        #expect(JSONParseError.invalidCharacter(0x20, offset: 4, context: .inString).offset == 4)
        #expect(JSONParseError.unexpectedEnd(offset: 5).offset == 5)
        #expect(JSONParseError.invalidUTF8(0xFF, offset: 6).offset == 6)
        #expect(JSONParseError.loneSurrogate(0xDC00, offset: 7).offset == 7)
        #expect(JSONParseError.numberOutOfRange(literal: "1e999", offset: 8).offset == 8)
        #expect(JSONParseError.tooDeep(limit: 1, offset: 9).offset == 9)
    }
}
