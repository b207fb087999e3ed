/// One step of the schema's history. Versions are never reused or edited once released: a change to
/// the schema is always a new migration with the next version.
public struct Migration: Sendable {
    /// The schema version the database is at after this migration; stored in `PRAGMA user_version`.
    public let version: Int
    /// A short name for logs and `schema_migrations`, e.g. `create_config`.
    public let name: String
    /// Applies the change. It runs inside the migrator's transaction, so it must not `BEGIN`/`COMMIT`.
    public let apply: @Sendable (SQLiteConnection) throws -> Void

    /// A migration written as a SQL script (one or more `;`-separated statements).
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { try $0.execute(sql) }
    }

    /// A migration that needs code, e.g. to rewrite rows.
    public init(version: Int, name: String, apply: @escaping @Sendable (SQLiteConnection) throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}
