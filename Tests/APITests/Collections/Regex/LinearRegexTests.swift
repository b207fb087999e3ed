import Testing

@testable import API

@Suite struct LinearRegexTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        let pattern: String
        let text: String
        let matches: Bool
        var testDescription: String { "\(pattern) on \(text.debugDescription) → \(matches)" }
    }

    static let vectors: [Vector] = [
        Vector(pattern: "abc", text: "xabcx", matches: true),
        Vector(pattern: "^abc$", text: "abc", matches: true),
        Vector(pattern: "^abc$", text: "abcd", matches: false),
        Vector(pattern: "a.c", text: "a\nc", matches: false),
        Vector(pattern: "(?s)a.c", text: "a\nc", matches: true),
        Vector(pattern: "^(cat|dog)s?$", text: "dogs", matches: true),
        Vector(pattern: "^(cat|dog)s?$", text: "cow", matches: false),
        Vector(pattern: "colou?r", text: "color", matches: true),
        Vector(pattern: "^a{2,3}$", text: "aa", matches: true),
        Vector(pattern: "^a{2,3}$", text: "aaaa", matches: false),
        Vector(pattern: "^a{2}$", text: "aa", matches: true),
        Vector(pattern: "^a{2,}$", text: "aaaaa", matches: true),
        Vector(pattern: "^a{2,}$", text: "a", matches: false),
        Vector(pattern: "a{,2}", text: "a{,2}", matches: true),
        Vector(pattern: "^(ab)+$", text: "ababab", matches: true),
        Vector(pattern: "^(ab)+$", text: "ababa", matches: false),
        Vector(pattern: "[a-c]+", text: "xbx", matches: true),
        Vector(pattern: "[^a-c]", text: "abc", matches: false),
        Vector(pattern: "[]a]", text: "]", matches: true),
        Vector(pattern: "[a-]", text: "-", matches: true),
        Vector(pattern: "(?i)HELLO", text: "say hello", matches: true),
        Vector(pattern: "HELLO", text: "say hello", matches: false),
        Vector(pattern: "(?i)^[a-z]+$", text: "ABC", matches: true),
        Vector(pattern: "(?i)[^a]", text: "A", matches: false),
        Vector(pattern: "(?i)é", text: "É", matches: true),
        Vector(pattern: "(?i:a)b", text: "Ab", matches: true),
        Vector(pattern: "(?i:a)b", text: "aB", matches: false),
        Vector(pattern: "(?i)a(?-i)b", text: "Ab", matches: true),
        Vector(pattern: "(?i)a(?-i)b", text: "AB", matches: false),
        Vector(pattern: "\\d+", text: "x42", matches: true),
        Vector(pattern: "^\\d+$", text: "4a2", matches: false),
        Vector(pattern: "^\\w+$", text: "web_1", matches: true),
        Vector(pattern: "^\\w+$", text: "web-1", matches: false),
        Vector(pattern: "^\\S+\\s\\S+$", text: "web server", matches: true),
        Vector(pattern: "[\\d.]+", text: "1.5", matches: true),
        Vector(pattern: "^[^\\d]+$", text: "abc", matches: true),
        Vector(pattern: "\\bweb\\b", text: "a web b", matches: true),
        Vector(pattern: "\\bweb\\b", text: "cobweb", matches: false),
        Vector(pattern: "web\\B", text: "webs", matches: true),
        Vector(pattern: "\\Aab\\z", text: "ab", matches: true),
        Vector(pattern: "[[:digit:]]", text: "a1", matches: true),
        Vector(pattern: "^[[:^alpha:]]+$", text: "123", matches: true),
        Vector(pattern: "\\x41\\x{263a}", text: "A☺", matches: true),
        Vector(pattern: "\\.\\*", text: "a.*", matches: true),
        Vector(pattern: "\\.\\*", text: "ab", matches: false),
        Vector(pattern: "(?m)^b$", text: "a\nb\nc", matches: true),
        Vector(pattern: "^b$", text: "a\nb\nc", matches: false),
        Vector(pattern: "x*", text: "", matches: true),
        Vector(pattern: "^$", text: "", matches: true),
        Vector(pattern: "^$", text: "a", matches: false),
        Vector(pattern: "(a*)*b", text: "aaab", matches: true),
        Vector(pattern: "(a|)+b", text: "b", matches: true),
        Vector(pattern: "(?P<kind>web)\\d", text: "web1", matches: true),
        Vector(pattern: "(?<kind>web)\\d", text: "web", matches: false),
        Vector(pattern: "(?:ab)*?c", text: "ababc", matches: true),
        Vector(pattern: "a|b|c", text: "c", matches: true),
    ]

    @Test(arguments: vectors)
    func matchesAsRE2Does(vector: Vector) throws {
        #expect(try LinearRegex(vector.pattern).matches(vector.text) == vector.matches)
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        let pattern: String
        let offset: Int
        let message: String
        var testDescription: String { pattern }
    }

    @Test(arguments: [
        Invalid(pattern: "(ab", offset: 0, message: "missing closing )"),
        Invalid(pattern: "ab)", offset: 2, message: "unexpected )"),
        Invalid(pattern: "*a", offset: 0, message: "missing argument to repetition operator"),
        Invalid(pattern: "a|+", offset: 2, message: "missing argument to repetition operator"),
        Invalid(pattern: "a**", offset: 2, message: "invalid nested repetition operator"),
        Invalid(pattern: "[ab", offset: 0, message: "missing closing ]"),
        Invalid(pattern: "[z-a]", offset: 0, message: "invalid character class range"),
        Invalid(pattern: "ab\\", offset: 2, message: "trailing backslash at end of expression"),
        Invalid(pattern: "\\pL", offset: 0, message: "invalid escape sequence"),
        Invalid(pattern: "(a)\\1", offset: 3, message: "invalid escape sequence"),
        Invalid(pattern: "(?=a)", offset: 0, message: "invalid or unsupported Perl syntax"),
        Invalid(pattern: "(?i-)a", offset: 0, message: "invalid or unsupported Perl syntax"),
        Invalid(pattern: "a{1001}", offset: 1, message: "invalid repeat count"),
        Invalid(pattern: "a{3,2}", offset: 1, message: "invalid repeat count"),
        Invalid(pattern: "((a{1000}){1000})", offset: 0, message: "expression too large"),
    ])
    func refusesWhatRE2RefusesOrWhatIsTooLarge(invalid: Invalid) {
        #expect(throws: LinearRegex.SyntaxError(offset: invalid.offset, message: invalid.message)) {
            try LinearRegex(invalid.pattern)
        }
    }

    @Test func refusesPatternsLongerThanTheCap() throws {
        _ = try LinearRegex(String(repeating: "a", count: LinearRegex.maxPatternLength))
        #expect(throws: LinearRegex.SyntaxError.self) {
            try LinearRegex(String(repeating: "a", count: LinearRegex.maxPatternLength + 1))
        }
    }

    @Test func nestsGroupsOnlySoDeep() throws {
        let deep = String(repeating: "(", count: 101) + "a" + String(repeating: ")", count: 101)
        #expect(throws: LinearRegex.SyntaxError(offset: 100, message: "expression nests too deeply")) {
            try LinearRegex(deep)
        }
        let fine = String(repeating: "(", count: 100) + "a" + String(repeating: ")", count: 100)
        #expect(try LinearRegex(fine).matches("a"))
    }

    /// Patterns that take a backtracking engine exponential time finish at once here.
    @Test(arguments: ["(a+)+$", "(a|a)*$", "(x+x+)+y", "^(a|aa)+$"])
    func catastrophicPatternsRunInLinearTime(pattern: String) throws {
        let regex = try LinearRegex(pattern)
        let text = String(repeating: pattern.contains("x") ? "x" : "a", count: 20_000) + "!"
        let clock = ContinuousClock()
        var matched = true
        let elapsed = clock.measure { matched = regex.matches(text) }
        #expect(matched == (pattern == "(a|a)*$"))  // only that one can match the empty end
        #expect(elapsed < .seconds(5))
    }
}
