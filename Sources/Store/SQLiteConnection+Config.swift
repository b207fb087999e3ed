/// The server configuration (the `config` table): the `config` map of LXD's `GET/PUT/PATCH /1.0`.
/// Keys and values are strings, as in LXD; validation of keys is the API's job.
extension SQLiteConnection {
    /// Every configuration key and its value.
    public func config() throws -> [String: String] {
        let pairs = try query("SELECT key, value FROM config") { ($0.string(at: 0), $0.string(at: 1)) }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }

    /// Makes the stored configuration exactly `config`: keys not in it are removed. One transaction
    /// (a savepoint inside an open one), so readers never see a half-replaced configuration.
    public func replaceConfig(_ config: [String: String]) throws {
        try transaction(.immediate) { connection in
            try connection.run("DELETE FROM config")
            for (key, value) in config.sorted(by: { $0.key < $1.key }) {
                try connection.run("INSERT INTO config (key, value) VALUES (?, ?)", [key, value])
            }
        }
    }

    /// Sets one key, or removes it when `value` is `nil`.
    public func setConfig(_ key: String, _ value: String?) throws {
        if let value {
            try run(
                "INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value])
        } else {
            try run("DELETE FROM config WHERE key = ?", [key])
        }
    }
}
