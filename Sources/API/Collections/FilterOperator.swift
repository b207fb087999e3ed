/// The comparison in a filter clause. `eq` and `ne` are LXD's; the others are berth's additions.
enum FilterOperator: String, CaseIterable, Sendable {
    /// LXD's equality: on strings a case-insensitive regular expression anchored at both ends (unless
    /// the value has `^` or `$`), falling back to case-insensitive equality when it is no valid
    /// expression; on booleans and numbers the parsed value.
    case equal = "eq"
    case notEqual = "ne"
    /// Orderings: numeric when both sides are numbers (JSON numbers, or strings such as config values
    /// that read as decimal numbers), otherwise bytewise on the text (RFC 3339 times order correctly).
    case greater = "gt"
    case greaterOrEqual = "ge"
    case less = "lt"
    case lessOrEqual = "le"
    /// Begins with, ends with, contains: case-insensitive, like LXD's `eq`.
    case beginsWith = "bw"
    case endsWith = "ew"
    case contains = "ct"
    /// Contains, case-sensitive.
    case containsCaseSensitive = "cs"
    /// An RE2 regular expression matching anywhere (anchor it with `^…$`), case-sensitive unless `(?i)`.
    case matchesRegex = "rx"

    static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
