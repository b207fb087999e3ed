import JSON

/// One `[not] key operator value` of a filter, with what matching needs prepared once at parse time
/// rather than per item.
struct FilterClause: Sendable, Equatable {
    /// How the clause joins the result of the clauses before it (LXD's `PrevLogical`).
    enum Junction: Sendable, Equatable {
        case and, or
    }

    let junction: Junction
    let negated: Bool
    let path: FieldPath
    let op: FilterOperator
    let value: String

    /// `value` lower-cased, for the case-insensitive operators.
    let folded: String
    /// `value` as a decimal number, if it is one.
    let number: Double?
    /// `value` as a JSON array (`["default"]`), which `eq` compares an array field with, as LXD does.
    let arrayLiteral: JSONValue?
    /// `rx`: the expression. `eq`/`ne`: LXD's anchored case-insensitive expression when `value` has
    /// regular-expression syntax in it and compiles; nil means plain case-insensitive equality.
    let pattern: LinearRegex?

    /// Prepares a clause; an `rx` value that does not compile throws, with `position` (the value's).
    init(
        junction: Junction, negated: Bool, path: FieldPath, op: FilterOperator, value: String, position: Int
    ) throws(FilterSyntaxError) {
        self.junction = junction
        self.negated = negated
        self.path = path
        self.op = op
        self.value = value
        folded = value.lowercased()
        number = Self.decimal(value)
        if value.hasPrefix("["), let parsed = try? JSONValue.parse(value), case .array = parsed {
            arrayLiteral = parsed
        } else {
            arrayLiteral = nil
        }
        switch op {
        case .matchesRegex:
            do {
                pattern = try LinearRegex(value)
            } catch {
                throw FilterSyntaxError(
                    position: position,
                    reason: "invalid regular expression \(FilterSyntaxError.quote(value)): \(error.message)")
            }
        case .equal, .notEqual:
            pattern = Self.lxdPattern(value)
        default:
            pattern = nil
        }
    }

    /// LXD's `DefaultParseRegexp`: `(?i)^value$`, without the anchors if the value has its own. A value
    /// without any regular-expression syntax gets no pattern: equality ignoring case is the same
    /// answer, cheaper. One that does not compile (or is too large) also falls back to equality, as
    /// LXD falls back when Go's `regexp` refuses it.
    static func lxdPattern(_ value: String) -> LinearRegex? {
        guard value.contains(where: { "\\.+*?()|[]{}^$".contains($0) }) else { return nil }
        let anchored = value.contains("^") || value.contains("$") ? value : "^" + value + "$"
        return try? LinearRegex("(?i)" + anchored)
    }

    /// A decimal number (`-12`, `3.5`, `1e3`); not Swift's wider `Double(_:)` syntax (`inf`, `0x1p3`,
    /// `nan`), which would make `name gt nan` numeric.
    static func decimal(_ text: String) -> Double? {
        var sawDigit = false
        var sawDot = false
        var sawExponent = false
        var previous: Character?
        for character in text {
            switch character {
            case "0"..."9":
                sawDigit = true
            case "+", "-":
                guard previous == nil || previous == "e" || previous == "E" else { return nil }
            case ".":
                guard !sawDot, !sawExponent else { return nil }
                sawDot = true
            case "e", "E":
                guard sawDigit, !sawExponent else { return nil }
                sawExponent = true
            default:
                return nil
            }
            previous = character
        }
        guard sawDigit, let last = previous, !"eE+-".contains(last) else { return nil }
        return Double(text)
    }
}
