import Testing

@testable import JSON

@Suite struct JSONValueAccessorsTests {
    @Test func scalarAccessorsReturnOnlyTheirOwnKind() {
        #expect(JSONValue.string("s").stringValue == "s")
        #expect(JSONValue.int(1).stringValue == nil)
        #expect(JSONValue.bool(true).boolValue == true)
        #expect(JSONValue.int(0).boolValue == nil)
        #expect(JSONValue.null.isNull)
        #expect(!JSONValue.string("null").isNull)
        #expect(JSONValue.array([.null]).arrayValue == [.null])
        #expect(JSONValue.object([]).arrayValue == nil)
        #expect(JSONValue.object([("a", .int(1))]).objectValue?.map(\.0) == ["a"])
        #expect(JSONValue.array([]).objectValue == nil)
    }

    @Test(arguments: [
        (JSONValue.int(7), 7 as Int?),
        (.int(.min), .min),
        (.double(2), 2),
        (.double(-0.0), 0),
        (.double(2e3), 2000),
        (.double(2.5), nil),
        (.double(1e19), nil),
        (.double(0x1p63), nil),  // one past Int.max
        (.double(-0x1p63), .min),
        (.string("7"), nil),
        (.bool(true), nil),
    ])
    func intValueAcceptsExactlyIntegralNumbers(value: JSONValue, expected: Int?) {
        #expect(value.intValue == expected)
    }

    @Test func doubleValueAcceptsEitherNumberKind() {
        #expect(JSONValue.double(1.5).doubleValue == 1.5)
        #expect(JSONValue.int(3).doubleValue == 3)
        #expect(JSONValue.string("1.5").doubleValue == nil)
    }

    @Test func dictionaryOfStringsNeedsAnObjectOfStrings() throws {
        let config = try JSONValue.parse(#"{"limits.cpu":"2","security.nesting":"true","limits.cpu":"4"}"#)
        #expect(config.dictionaryOfStrings == ["limits.cpu": "2", "security.nesting": "true"])
        #expect(JSONValue.object([]).dictionaryOfStrings == [:])
        #expect(JSONValue.object([("a", .string("x")), ("b", .int(1))]).dictionaryOfStrings == nil)
        #expect(JSONValue.array([.string("x")]).dictionaryOfStrings == nil)
    }

    @Test func objectFromADictionarySortsItsKeys() {
        let value = JSONValue.object(["b": .int(2), "a": .null, "B": .string("x"), "é": .bool(true)])
        #expect(value == .object([("B", .string("x")), ("a", .null), ("b", .int(2)), ("é", .bool(true))]))
        #expect(String(decoding: value.encoded, as: UTF8.self) == #"{"B":"x","a":null,"b":2,"é":true}"#)
        #expect(JSONValue.object([:]) == .object([]))
    }

    @Test func subscriptReturnsTheFirstOfDuplicateKeys() throws {
        let value = try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value["a"] == .int(1))
        #expect(value.objectValue?.last { $0.0 == "a" }?.1 == .int(3))
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([]).self["a"] == nil)
    }

    @Test func setReplacesInPlaceAppendsAndRemoves() {
        var value = JSONValue.object([("a", .int(1)), ("b", .int(2)), ("c", .int(3))])
        value.set("b", .string("two"))
        #expect(value == .object([("a", .int(1)), ("b", .string("two")), ("c", .int(3))]))
        value.set("d", .null)
        #expect(value == .object([("a", .int(1)), ("b", .string("two")), ("c", .int(3)), ("d", .null)]))
        value.set("a", nil)
        #expect(value == .object([("b", .string("two")), ("c", .int(3)), ("d", .null)]))
        value.set("missing", nil)
        #expect(value == .object([("b", .string("two")), ("c", .int(3)), ("d", .null)]))
    }

    @Test func setLeavesOneMemberWhereDuplicatesWere() {
        var value = JSONValue.object([("x", .int(0)), ("a", .int(1)), ("b", .int(2)), ("a", .int(3))])
        value.set("a", .int(9))
        #expect(value == .object([("x", .int(0)), ("a", .int(9)), ("b", .int(2))]))
        var removing = JSONValue.object([("a", .int(1)), ("b", .int(2)), ("a", .int(3))])
        removing.set("a", nil)
        #expect(removing == .object([("b", .int(2))]))
    }

    @Test func setOnANonObjectMakesAnObject() {
        var value = JSONValue.null
        value.set("a", nil)
        #expect(value == .null)
        value.set("a", .int(1))
        #expect(value == .object([("a", .int(1))]))
    }

    @Test func setDoesNotChangeACopy() {
        let original = JSONValue.object([("a", .int(1))])
        var copy = original
        copy.set("a", .int(2))
        #expect(original["a"] == .int(1))
        #expect(copy["a"] == .int(2))
    }
}
