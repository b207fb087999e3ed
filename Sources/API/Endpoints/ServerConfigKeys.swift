/// The server configuration keys `PUT/PATCH /1.0` accept, each with its validator. A key not listed
/// is refused with 400 rather than stored and ignored: a setting that does nothing is a lie.
public enum ServerConfigKeys {
    public typealias Validator = @Sendable (String) -> String?

    /// Key → validator returning an error message for an invalid value. Later issues add keys here
    /// (`core.https_address`, `operations.retention`, …) together with what they do.
    public static let known: [String: Validator] = OperationsConfigKeys.validators
        .merging(AuthConfigKeys.validators) { first, _ in first }
        .merging(CoreConfigKeys.validators) { first, _ in first }
        .merging(InstancesConfigKeys.validators) { first, _ in first }

    /// Checks every key and value; the first problem is a 400 in LXD's wording
    /// (`cannot set 'foo.bar' to 'x': unknown key`).
    public static func validate(_ config: [String: String]) throws(APIError) {
        for key in config.keys.sorted() {
            let value = config[key] ?? ""
            guard let validator = known[key] else {
                throw APIError.badRequest("cannot set '\(key)' to '\(value)': unknown key")
            }
            if let problem = validator(value) {
                throw APIError.badRequest("cannot set '\(key)' to '\(value)': \(problem)")
            }
        }
    }
}
