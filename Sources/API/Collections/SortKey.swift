import JSON

/// One key of `sort=` (`name`, `-created_at`): a path and a direction.
struct SortKey: Sendable, Equatable {
    let path: FieldPath
    let descending: Bool

    /// How two items' values at this key order: negative, zero or positive, the direction applied.
    /// A missing value (or `null`) sorts after every present one in both directions, so `-size`
    /// still lists the items without a size last.
    func compare(_ first: JSONValue?, _ second: JSONValue?) -> Int {
        let first = first.flatMap { $0.isNull ? nil : $0 }
        let second = second.flatMap { $0.isNull ? nil : $0 }
        switch (first, second) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (let first?, let second?):
            let order = Self.compare(first, second)
            return descending ? -order : order
        }
    }

    /// A total order on JSON values: booleans (false first), then numbers (numerically), then strings
    /// (bytewise on UTF-8, which is code-point order, so RFC 3339 times sort by time), then arrays and
    /// objects (by their encoding; rarely meaningful, but deterministic).
    static func compare(_ first: JSONValue, _ second: JSONValue) -> Int {
        let (firstRank, secondRank) = (rank(first), rank(second))
        if firstRank != secondRank { return firstRank < secondRank ? -1 : 1 }
        switch (first, second) {
        case (.bool(let a), .bool(let b)):
            return a == b ? 0 : (a ? 1 : -1)
        case (.int(let a), .int(let b)):
            return a == b ? 0 : (a < b ? -1 : 1)
        case (.string(let a), .string(let b)):
            return bytewise(a.utf8, b.utf8)
        default:
            if let a = first.doubleValue, let b = second.doubleValue { return a == b ? 0 : (a < b ? -1 : 1) }
            return bytewise(first.encoded, second.encoded)
        }
    }

    private static func rank(_ value: JSONValue) -> Int {
        switch value {
        case .null: 0
        case .bool: 1
        case .int, .double: 2
        case .string: 3
        case .array: 4
        case .object: 5
        }
    }

    private static func bytewise<Bytes: Sequence<UInt8>>(_ first: Bytes, _ second: Bytes) -> Int {
        if first.elementsEqual(second) { return 0 }
        return first.lexicographicallyPrecedes(second) ? -1 : 1
    }
}
