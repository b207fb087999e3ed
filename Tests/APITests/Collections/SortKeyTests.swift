import JSON
import Testing

@testable import API

@Suite struct SortKeyTests {
    static let ascending = SortKey(path: FieldPath("x")!, descending: false)
    static let descending = SortKey(path: FieldPath("x")!, descending: true)

    @Test func numbersCompareNumericallyAcrossIntAndDouble() {
        #expect(Self.ascending.compare(.int(9), .int(10)) < 0)
        #expect(Self.ascending.compare(.double(9.5), .int(10)) < 0)
        #expect(Self.ascending.compare(.int(2), .double(2.0)) == 0)
        #expect(Self.descending.compare(.int(9), .int(10)) > 0)
    }

    @Test func stringsCompareBytewise() {
        #expect(Self.ascending.compare(.string("B"), .string("a")) < 0)
        #expect(Self.ascending.compare(.string("10"), .string("9")) < 0)
        #expect(Self.ascending.compare(.string("é"), .string("z")) > 0)
        #expect(Self.ascending.compare(.string("2024-05-01T10:00:00Z"), .string("2024-05-01T09:59:59Z")) > 0)
    }

    @Test func missingValuesComeLastInBothDirections() {
        for key in [Self.ascending, Self.descending] {
            #expect(key.compare(nil, .int(1)) > 0)
            #expect(key.compare(.string("z"), nil) < 0)
            #expect(key.compare(.null, .bool(false)) > 0)
            #expect(key.compare(nil, .null) == 0)
        }
    }

    @Test func typesOrderBooleansNumbersStringsThenContainers() {
        let values: [JSONValue] = [
            .bool(false), .bool(true), .int(-5), .double(3.5), .string(""), .array([]), .object([]),
        ]
        for (index, value) in values.enumerated() {
            for (otherIndex, other) in values.enumerated() {
                let order = SortKey.compare(value, other)
                #expect((order < 0) == (index < otherIndex), "\(value) vs \(other)")
                #expect((order == 0) == (index == otherIndex), "\(value) vs \(other)")
            }
        }
    }
}
