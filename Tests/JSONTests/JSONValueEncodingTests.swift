import Testing

@testable import JSON

@Suite struct JSONValueEncodingTests {
    @Test(arguments: [
        (JSONValue.string("a\"b\\c\n\t\u{1}<>&é"), #""a\"b\\c\n\t\u0001\u003c\u003e\u0026é""#),
        (.int(-42), "-42"),
        (.double(1.5), "1.5"),
        (.double(3), "3"),
        (.double(.nan), "null"),
        (.bool(true), "true"),
        (.null, "null"),
        (.array([.int(1), .string("x")]), #"[1,"x"]"#),
        (.object([("b", .int(1)), ("a", .object([]))]), #"{"b":1,"a":{}}"#),
    ])
    func jsonEncodingMatchesGo(value: JSONValue, expected: String) {
        #expect(String(decoding: value.encoded, as: UTF8.self) == expected)
    }
}
