/// Brings a database's schema up to date, one migration per transaction.
///
/// The version lives in two places, kept in step inside each migration's transaction:
/// `PRAGMA user_version` (in the file header, so checking it at start costs nothing) and the
/// `schema_migrations` table (which records what ran and when, for people and support).
public enum Migrator {
    /// Applies every migration above the database's current version, in order, and returns the versions
    /// applied (empty when the database was already current).
    ///
    /// - Each migration runs in its own `BEGIN IMMEDIATE` transaction with its `schema_migrations` row
    ///   and `user_version` update: a failure rolls all of it back, leaves the database at the previous
    ///   version and throws `StoreError.migrationFailed`; migrations before it stay applied.
    /// - A database above the highest version in `migrations` was written by a newer berthd and is
    ///   refused with `StoreError.databaseTooNew` before anything is written.
    /// - `migrations` must have versions ≥ 1 in strictly increasing order (`StoreError.invalidMigrationList`).
    @discardableResult
    public static func migrate(_ connection: SQLiteConnection, _ migrations: [Migration]) throws -> [Int] {
        try validate(migrations)
        let supported = migrations.last?.version ?? 0
        let found = try currentVersion(connection)
        guard found <= supported else {
            throw StoreError.databaseTooNew(found: found, supported: supported, path: connection.path)
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > found {
            let didApply: Bool
            do {
                didApply = try connection.transaction(.immediate) { connection in
                    // Another process may have migrated between our check and taking the write lock.
                    guard try currentVersion(connection) < migration.version else { return false }
                    try migration.apply(connection)
                    try record(migration, on: connection)
                    return true
                }
            } catch {
                throw StoreError.migrationFailed(
                    version: migration.version, name: migration.name, underlying: "\(error)")
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }

    /// The schema version recorded in the file header (`PRAGMA user_version`); 0 for a new database.
    public static func currentVersion(_ connection: SQLiteConnection) throws -> Int {
        Int(try connection.pragma("user_version") ?? "0") ?? 0
    }

    /// Records `migration` in both places that hold the version, inside its transaction.
    private static func record(_ migration: Migration, on connection: SQLiteConnection) throws {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            ) STRICT;
            """)
        try connection.run(
            "INSERT INTO schema_migrations (version, name, applied_at) "
                + "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            [migration.version, migration.name])
        // PRAGMA takes no bound parameters; the version is an Int, so interpolation is safe.
        try connection.execute("PRAGMA user_version = \(migration.version)")
    }

    private static func validate(_ migrations: [Migration]) throws {
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw StoreError.invalidMigrationList(
                    "version \(migration.version) (\(migration.name)) follows version \(previous); "
                        + "versions must start at 1 or above and strictly increase")
            }
            previous = migration.version
        }
    }
}
