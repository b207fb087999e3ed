import JSON

extension FilterClause {
    /// Whether `object` satisfies this clause alone (`not` included; the junction is the caller's).
    ///
    /// A missing key or `null` reads as the empty string, as a missing config key does in LXD (its
    /// string maps answer `""`): `config.user.x eq ""` finds items without that key. It has no order,
    /// so `gt`/`ge`/`lt`/`le` never hold for it. A value that cannot be compared with the field's type
    /// (`public eq maybe`) is simply unequal; LXD fails the whole request there, which would make the
    /// answer depend on the data rather than on the request.
    ///
    /// An array field (including the arrays a path through an array collects) matches when any element
    /// does, except that `eq`/`ne` with a JSON array literal compare the whole array, as LXD compares
    /// its string slices (`profiles eq ["default"]`).
    func matches(_ object: JSONValue) -> Bool {
        let value = path.resolve(in: object)
        let result: Bool
        switch op {
        case .equal: result = equals(value)
        case .notEqual: result = !equals(value)
        default: result = holds(for: value)
        }
        return result != negated
    }

    private func equals(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null:
            return equalsText("")
        case .string(let text):
            return equalsText(text)
        case .bool(let bool):
            return Self.goBool(self.value) == bool
        case .int(let int):
            if let exact = Int(self.value) { return exact == int }
            return number == Double(int)
        case .double(let double):
            return number == double
        case .array(let elements):
            if let arrayLiteral { return arrayLiteral == value }
            return elements.contains { equals($0) }
        case .object:
            return false
        }
    }

    private func equalsText(_ text: String) -> Bool {
        if let pattern { return pattern.matches(text) }
        return text.lowercased() == folded
    }

    /// Every operator but `eq` and `ne`.
    private func holds(for value: JSONValue?) -> Bool {
        if case .array(let elements) = value { return elements.contains { holds(for: $0) } }
        guard let text = Self.text(of: value) else { return false }
        switch op {
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            guard let value, !value.isNull, let order = order(of: value, text: text) else { return false }
            switch op {
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            case .less: return order < 0
            default: return order <= 0
            }
        case .beginsWith: return folded.isEmpty || text.lowercased().hasPrefix(folded)
        case .endsWith: return folded.isEmpty || text.lowercased().hasSuffix(folded)
        case .contains: return folded.isEmpty || text.lowercased().contains(folded)
        case .containsCaseSensitive: return self.value.isEmpty || text.contains(self.value)
        case .matchesRegex: return pattern?.matches(text) ?? false
        case .equal, .notEqual: return false  // handled by `equals`
        }
    }

    /// The sign of `field - value`: numeric when both are numbers, else bytewise on the text.
    private func order(of field: JSONValue, text: String) -> Int? {
        let fieldNumber: Double? =
            switch field {
            case .int(let int): Double(int)
            case .double(let double): double
            case .string(let string): Self.decimal(string)
            default: nil
            }
        if let fieldNumber, let number {
            if case .int(let int) = field, let exact = Int(value) { return int < exact ? -1 : int == exact ? 0 : 1 }
            return fieldNumber < number ? -1 : fieldNumber == number ? 0 : 1
        }
        if text.utf8.elementsEqual(value.utf8) { return 0 }
        return text.utf8.lexicographicallyPrecedes(value.utf8) ? -1 : 1
    }

    /// The text the string operators look at: strings as they are, numbers and booleans as JSON
    /// writes them, nothing (a missing key, `null`) as "". Objects have none.
    static func text(of value: JSONValue?) -> String? {
        switch value {
        case nil, .null: ""
        case .string(let text): text
        case .bool(let bool): bool ? "true" : "false"
        case .int, .double: String(decoding: value?.encoded ?? [], as: UTF8.self)
        case .array, .object: nil
        }
    }

    /// Go's `strconv.ParseBool`, which LXD uses for boolean fields.
    static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}
