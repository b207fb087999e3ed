import Testing

@testable import Log

@Suite struct LogJSONTests {
    @Test(arguments: [
        ("plain", #""plain""#), ("", #""""#), ("two words", #""two words""#), ("a=b", #""a=b""#),
        ("q\"uote", #""q\"uote""#), ("back\\slash", #""back\\slash""#), ("line\nbreak", #""line\nbreak""#),
        ("tab\there", #""tab\there""#), ("cr\r", #""cr\r""#), ("\u{1}\u{1F}", #""\u0001\u001f""#),
        ("del\u{7F}", "\"del\u{7F}\""), ("é ✓ 🚢", "\"é ✓ 🚢\""), ("sep\u{2028}\u{2029}", #""sep\u2028\u2029""#),
    ])
    func quotesStringsAsValidJSONOnOneLine(value: String, expected: String) {
        #expect(LogJSON.quote(value) == expected)
    }
}
