import JSON
import Testing

@testable import API

@Suite struct FieldPathTests {
    static func path(_ text: String) throws -> FieldPath { try #require(FieldPath(text[...])) }

    @Test func theLongestExistingKeyWinsAtEachLevel() throws {
        let item = try JSONValue.parse(#"{"config": {"limits.cpu": "2", "limits": {"cpu": "nested"}}}"#)
        #expect(try Self.path("config.limits.cpu").resolve(in: item) == .string("2"))
        #expect(try Self.path("config.limits").resolve(in: item) == .object([("cpu", .string("nested"))]))
    }

    @Test func aShorterKeyIsTriedWhenTheLongerLeadsNowhere() throws {
        let item = try JSONValue.parse(#"{"a.b": {"x": 1}, "a": {"b": {"c": 2}}}"#)
        #expect(try Self.path("a.b.c").resolve(in: item) == .int(2))
        #expect(try Self.path("a.b.x").resolve(in: item) == .int(1))
    }

    @Test func keysWithManyDotsAreFound() throws {
        let item = try JSONValue.parse(#"{"expanded_config": {"volatile.eth0.hwaddr": "00:16:3e"}}"#)
        #expect(try Self.path("expanded_config.volatile.eth0.hwaddr").resolve(in: item) == .string("00:16:3e"))
    }

    @Test func pathsThroughArraysCollectEachElementsValue() throws {
        let item = try JSONValue.parse(#"{"aliases": [{"name": "a"}, {"other": 1}, {"name": "b"}]}"#)
        #expect(try Self.path("aliases.name").resolve(in: item) == .array([.string("a"), .string("b")]))
        #expect(try Self.path("aliases.nothing").resolve(in: item) == nil)
    }

    @Test func missingPathsResolveToNothing() throws {
        let item = try JSONValue.parse(#"{"name": "x", "config": {}}"#)
        #expect(try Self.path("config.limits.cpu").resolve(in: item) == nil)
        #expect(try Self.path("name.first").resolve(in: item) == nil)
        #expect(try Self.path("nothing").resolve(in: item) == nil)
    }

    @Test(arguments: ["", "a..b", ".a", "a.", "a b", "a\"b", "a(b"])
    func malformedPathsAreRefused(text: String) {
        #expect(FieldPath(text[...]) == nil)
    }
}
