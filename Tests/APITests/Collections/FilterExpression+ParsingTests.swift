import HTTP
import Testing

@testable import API

@Suite struct FilterExpressionParsingTests {
    static func parse(_ text: String) throws(FilterSyntaxError) -> FilterExpression {
        try FilterExpression(parsing: text)
    }

    @Test(arguments: FilterOperator.allCases)
    func everyOperatorParses(op: FilterOperator) throws {
        let clause = try #require(try Self.parse("config.limits.cpu \(op.rawValue) 2").clauses.first)
        #expect(clause.op == op)
        #expect(clause.path.components == ["config", "limits", "cpu"])
        #expect(clause.value == "2")
        #expect(clause.junction == .and)
        #expect(!clause.negated)
    }

    @Test(arguments: ["", "   ", "\t \n"])
    func anEmptyFilterHasNoClauses(text: String) throws {
        #expect(try Self.parse(text).isEmpty)
    }

    @Test func clausesKeepTheirJunctionAndNegationInOrder() throws {
        let clauses = try Self.parse("name eq a or not status eq Running and NOT stateful eq true").clauses
        #expect(clauses.map(\.junction) == [.and, .or, .and])
        #expect(clauses.map(\.negated) == [false, true, true])
        #expect(clauses.map(\.path.description) == ["name", "status", "stateful"])
        #expect(clauses.map(\.value) == ["a", "Running", "true"])
    }

    /// Found by fuzzing (scripts/fuzz.sh, target `filter`): a mark that joins the next character
    /// into one grapheme cluster (U+0601 prepends, U+0301 combines) hid the quote or backslash after
    /// or before it, so a value written back with its escapes parsed to another value.
    @Test(arguments: [
        ("description eq \"\u{0601}\\\\x\"", "\u{0601}\\x"),
        ("description eq \"a\u{0601}\"", "a\u{0601}"),
        ("description eq \"\\\"\u{0301}\"", "\"\u{0301}"),
    ])
    func quotesAndEscapesAreFoundWhateverMarksSurroundThem(text: String, value: String) throws {
        #expect(try Self.parse(text).clauses.map(\.value) == [value])
    }

    /// 10, not 8: "a\u{0301}" is one character but two scalars, as is "b\u{0301}".
    @Test func positionsCountUnicodeScalars() {
        #expect(throws: FilterSyntaxError(position: 10, reason: #"expected "and" or "or" after the value, found "x""#))
        {
            try Self.parse("a\u{0301} eq b\u{0301} x")
        }
    }

    @Test func keywordsAreValuesWhereAValueIsExpected() throws {
        let clauses = try Self.parse("name eq not and description eq or").clauses
        #expect(clauses.map(\.value) == ["not", "or"])
        #expect(clauses.map(\.negated) == [false, false])
    }

    @Test(arguments: [
        (#"description eq "web server""#, "web server"),
        (#"description eq "two  spaces ""#, "two  spaces "),
        (#"description eq """#, ""),
        (#"description eq "one""#, "one"),
        (#"description eq "say \"hi\"""#, #"say "hi""#),
        (#"description eq "back\\slash""#, #"back\slash"#),
        (#"description rx "\d+ GB""#, #"\d+ GB"#),
        (#"description eq a"b"#, #"a"b"#),
    ])
    func quotedValuesKeepTheirTextExactly(text: String, value: String) throws {
        #expect(try Self.parse(text).clauses.map(\.value) == [value])
    }

    struct Mistake: CustomTestStringConvertible, Sendable {
        let filter: String
        let position: Int
        let reason: String
        var testDescription: String { filter }
    }

    @Test(arguments: [
        Mistake(filter: "name eq c1 and status", position: 22, reason: #"expected an operator after "status""#),
        Mistake(filter: "name", position: 5, reason: #"expected an operator after "name""#),
        Mistake(filter: "not", position: 4, reason: #"expected a field name after "not""#),
        Mistake(filter: "name eq", position: 8, reason: #"expected a value after "eq""#),
        Mistake(filter: "name eq web and", position: 16, reason: #"expected a clause after "and""#),
        Mistake(filter: "name eq web or not", position: 19, reason: #"expected a field name after "not""#),
        Mistake(
            filter: "name xx web", position: 6,
            reason: #"unknown operator "xx" (expected one of eq, ne, gt, ge, lt, le, bw, ew, ct, cs, rx)"#),
        Mistake(
            filter: "name EQ web", position: 6,
            reason: #"unknown operator "EQ" (expected one of eq, ne, gt, ge, lt, le, bw, ew, ct, cs, rx)"#),
        Mistake(
            filter: "name eq web AND x eq y", position: 13,
            reason: #"expected "and" or "or" after the value, found "AND""#),
        Mistake(filter: "name eq web xx", position: 13, reason: #"expected "and" or "or" after the value, found "xx""#),
        Mistake(filter: #"name eq "web"#, position: 9, reason: "unterminated quote"),
        Mistake(filter: #"name eq "web"x"#, position: 14, reason: "expected a space after the closing quote"),
        Mistake(
            filter: "(name eq web)", position: 1,
            reason: "parentheses are not supported (clauses are combined left to right, as in LXD)"),
        Mistake(
            filter: "name eq a or (status eq b)", position: 14,
            reason: "parentheses are not supported (clauses are combined left to right, as in LXD)"),
        Mistake(filter: "a..b eq 1", position: 1, reason: #"invalid field name "a..b""#),
        Mistake(filter: #""name" eq 1"#, position: 1, reason: #"invalid field name "name""#),
        Mistake(filter: "name rx (web", position: 9, reason: #"invalid regular expression "(web": missing closing )"#),
        Mistake(filter: "näme eq 1 and x", position: 16, reason: #"expected an operator after "x""#),
    ])
    func mistakesNameTheirPosition(mistake: Mistake) {
        #expect(throws: FilterSyntaxError(position: mistake.position, reason: mistake.reason)) {
            try Self.parse(mistake.filter)
        }
    }

    @Test func theAPIErrorIsA400WithThePosition() {
        let error = FilterSyntaxError(position: 22, reason: #"expected an operator after "status""#).apiError
        #expect(error.status.code == 400)
        #expect(error.message == #"Invalid filter at position 22: expected an operator after "status""#)
    }

    @Test func longTextIsShortenedInMessages() {
        let long = String(repeating: "x", count: 100)
        #expect(
            throws: FilterSyntaxError(
                position: 101, reason: "expected an operator after \"\(String(repeating: "x", count: 40))…\"")
        ) {
            try Self.parse(long)
        }
    }

    @Test func equalityValuesWithRegularExpressionSyntaxGetLXDsPattern() throws {
        let clauses = try Self.parse("name eq web.* and name eq web1 and name eq web[").clauses
        #expect(clauses[0].pattern?.pattern == "(?i)^web.*$")
        #expect(clauses[1].pattern == nil)  // plain text: case-insensitive equality
        #expect(clauses[2].pattern == nil)  // not a valid expression: equality, as LXD falls back
        #expect(try Self.parse("name eq ^web").clauses[0].pattern?.pattern == "(?i)^web")
    }
}
