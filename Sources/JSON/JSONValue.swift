/// A JSON document as a value. Objects keep insertion order, because LXD clients and traces rely on
/// LXD's field order (the envelope's seven fields, the operation object) and diffs stay readable.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// An object from a dictionary, keys sorted so the encoding is stable (ETags hash it).
    public static func sortedObject(_ dictionary: [String: String]) -> JSONValue {
        .object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    /// Looks up a member of an object: the first member named `key`. A parsed object keeps duplicate
    /// keys in input order; Go's decoder lets the last one win, so a caller that must agree with it
    /// searches `objectValue` from the end instead.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }
}
