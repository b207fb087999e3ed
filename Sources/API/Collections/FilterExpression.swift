import JSON

/// A parsed `filter=` (LXD's `lxd/filter`): clauses joined by `and`/`or`, each optionally negated.
///
/// As in LXD there is no precedence and no parentheses: clauses are folded strictly left to right,
/// so `a or b and c` means `(a or b) and c`, and `not` negates only the clause it starts.
struct FilterExpression: Sendable, Equatable {
    let clauses: [FilterClause]

    /// Whether there is nothing to filter by (`filter=` or only whitespace, which LXD's client sends).
    var isEmpty: Bool { clauses.isEmpty }

    func matches(_ object: JSONValue) -> Bool {
        var result = true
        for clause in clauses {
            switch clause.junction {
            case .and: result = result && clause.matches(object)
            case .or: result = result || clause.matches(object)
            }
        }
        return result
    }
}
