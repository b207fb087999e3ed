/// Why a `filter=` was refused, and where: `position` counts Unicode scalars (characters, for
/// ASCII) from 1 in the decoded parameter, so a client can point at the mistake.
struct FilterSyntaxError: Error, Equatable, Sendable {
    let position: Int
    let reason: String

    var apiError: APIError { .badRequest("Invalid filter at position \(position): \(reason)") }

    /// Text from the filter quoted in a message, shortened so a huge parameter is not echoed back.
    static func quote(_ text: String) -> String {
        "\"" + (text.count > 40 ? text.prefix(40) + "…" : text) + "\""
    }
}
