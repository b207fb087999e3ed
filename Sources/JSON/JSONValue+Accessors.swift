extension JSONValue {
    /// The string, if this is a string.
    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The integer, if this is an integer or a double with an integral value in range of `Int`
    /// (`2.0` and `2e3` count; `2.5` does not).
    public var intValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value):
            // By truncation, not `Int(exactly:)`, whose rounding would need libm: the module links without it.
            value >= -0x1p63 && value < 0x1p63 && Double(Int(value)) == value ? Int(value) : nil
        default: nil
        }
    }

    /// The number as a `Double`, if this is a number; a large `.int` is rounded to the nearest double.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        guard case .array(let values) = self else { return nil }
        return values
    }

    /// The members in order, duplicates included, if this is an object.
    public var objectValue: [(String, JSONValue)]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The members as a dictionary, if this is an object whose values are all strings (LXD's
    /// `config` and `devices` entries). With duplicate keys the first wins, as in `subscript(key:)`.
    public var dictionaryOfStrings: [String: String]? {
        guard case .object(let members) = self else { return nil }
        var dictionary: [String: String] = [:]
        dictionary.reserveCapacity(members.count)
        for (key, value) in members {
            guard case .string(let string) = value else { return nil }
            if dictionary[key] == nil { dictionary[key] = string }
        }
        return dictionary
    }

    /// An object from a dictionary, keys sorted (by Unicode scalar values, as Go's encoder sorts map
    /// keys) so the encoding is stable.
    public static func object(_ dictionary: [String: JSONValue]) -> JSONValue {
        .object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Sets an object member: replaces the first member named `key` where it stands and drops any
    /// later duplicates, or appends a new member at the end; `nil` removes every member named `key`.
    /// A value that is not an object becomes an object holding just this member (nothing happens when
    /// removing), so metadata that started out `null` can be filled in.
    public mutating func set(_ key: String, _ value: JSONValue?) {
        guard case .object(var members) = self else {
            if let value { self = .object([(key, value)]) }
            return
        }
        self = .null  // Let `members` be the only reference, so it is edited in place.
        if let value {
            if let first = members.firstIndex(where: { $0.0 == key }) {
                members[first].1 = value
                let rest = members[(first + 1)...]
                if rest.contains(where: { $0.0 == key }) {
                    members.replaceSubrange((first + 1)..., with: rest.filter { $0.0 != key })
                }
            } else {
                members.append((key, value))
            }
        } else {
            members.removeAll { $0.0 == key }
        }
        self = .object(members)
    }
}
