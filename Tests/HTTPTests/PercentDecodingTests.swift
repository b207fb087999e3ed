import Testing

@testable import HTTP

@Suite struct PercentDecodingTests {
    @Test(arguments: [
        ("plain", false, "plain"),
        ("a%20b", false, "a b"),
        ("a+b", false, "a+b"),
        ("a+b", true, "a b"),
        ("%41%62%2b", true, "Ab+"),
        ("100%", false, "100%"),  // truncated escape kept
        ("%4", false, "%4"),
        ("%zz%4g", false, "%zz%4g"),  // not hex: kept
        ("%C3%A9t%C3%A9", false, "été"),
        ("%FF", false, "\u{FFFD}"),  // not UTF-8: replacement character
        ("%%41", false, "%A"),
    ])
    func percentDecoding(input: String, plusAsSpace: Bool, expected: String) {
        #expect(PercentDecoding.decode(Substring(input), plusAsSpace: plusAsSpace) == expected)
    }
}
