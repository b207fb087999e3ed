/// The server configuration through the shared database, for callers that need nothing else in the
/// same transaction. Inside `read`/`write`, use the `SQLiteConnection` methods of the same names.
extension Database {
    /// Every configuration key and its value.
    public func config() throws -> [String: String] {
        try read { try $0.config() }
    }

    /// Makes the stored configuration exactly `config`, in one transaction.
    public func replaceConfig(_ config: [String: String]) throws {
        try write { try $0.replaceConfig(config) }
    }

    /// Sets one key, or removes it when `value` is `nil`.
    public func setConfig(_ key: String, _ value: String?) throws {
        try write { try $0.setConfig(key, value) }
    }
}
