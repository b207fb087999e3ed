/// Berth's database schema, as the list of migrations that builds it. Append new versions; never edit
/// or reorder a released one (databases in the field have already run it).
public enum Schema {
    public static let migrations: [Migration] = [
        // Server configuration: the `config` map of LXD's `GET/PUT/PATCH /1.0`.
        Migration(
            version: 1, name: "create_config",
            sql: """
                CREATE TABLE config (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) STRICT;
                """)
    ]

    /// The schema version this build writes and the highest it can open.
    public static var latestVersion: Int { migrations.last?.version ?? 0 }
}
