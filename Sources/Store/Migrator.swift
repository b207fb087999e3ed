/// Brings a database's schema up to date in one transaction.
///
/// The version lives in two places, kept in step inside the transaction: `PRAGMA user_version` (in
/// the file header, so checking it at start costs nothing) and the `schema_migrations` table (which
/// records what ran and when, for people and support).
public enum Migrator {
    /// Applies every migration above the database's current version, in order, and returns the versions
    /// applied (empty when the database was already current).
    ///
    /// - All of them run in one `BEGIN IMMEDIATE` transaction with their `schema_migrations` rows and
    ///   the `user_version` update: a failure (or a crash) anywhere rolls all of it back, leaves the
    ///   database exactly at the version it had and throws `StoreError.migrationFailed`. A schema is
    ///   never left between two versions no release had.
    /// - With `keepingCopy`, a database that has a schema (version ≥ 1) and needs an upgrade to version M
    ///   is first checked (`PRAGMA quick_check`) and copied with the online backup API to
    ///   `<path>.pre-vM.bak`, so an upgrade can be undone by hand. A check that fails throws
    ///   `StoreError.unusableDatabase` before anything is written.
    /// - A database above the highest version in `migrations` was written by a newer berthd and is
    ///   refused with `StoreError.databaseTooNew` before anything is written.
    /// - `migrations` must have versions ≥ 1 in strictly increasing order (`StoreError.invalidMigrationList`).
    @discardableResult
    public static func migrate(
        _ connection: SQLiteConnection, _ migrations: [Migration], keepingCopy: Bool = false
    ) throws -> [Int] {
        try validate(migrations)
        let supported = migrations.last?.version ?? 0
        let found = try currentVersion(connection)
        guard found <= supported else {
            throw StoreError.databaseTooNew(found: found, supported: supported, path: connection.path)
        }
        guard found < supported else { return [] }
        if keepingCopy && found > 0 {
            try check(connection)
            try connection.backup(to: backupPath(for: connection.path, upgradingTo: supported))
        }
        var running = migrations.first { $0.version > found }!
        var before = found
        do {
            return try connection.transaction(.immediate) { connection in
                // Another process may have migrated between our check and taking the write lock.
                before = try currentVersion(connection)
                guard before <= supported else {
                    throw StoreError.databaseTooNew(found: before, supported: supported, path: connection.path)
                }
                var applied: [Int] = []
                for migration in migrations where migration.version > before {
                    running = migration
                    try migration.apply(connection)
                    try record(migration, on: connection)
                    applied.append(migration.version)
                }
                return applied
            }
        } catch let error as StoreError {
            if case .databaseTooNew = error { throw error }
            throw StoreError.migrationFailed(
                version: running.version, name: running.name, underlying: "\(error)", databaseVersion: before)
        } catch {
            throw StoreError.migrationFailed(
                version: running.version, name: running.name, underlying: "\(error)", databaseVersion: before)
        }
    }

    /// Where `migrate(_:_:keepingCopy:)` keeps the database as it was before an upgrade to `version`.
    public static func backupPath(for path: String, upgradingTo version: Int) -> String {
        "\(path).pre-v\(version).bak"
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

    /// Refuses to upgrade a corrupt database: a migration could fail half-way on it or spread the damage.
    private static func check(_ connection: SQLiteConnection) throws {
        let problems: [String]
        do {
            problems = try connection.query("PRAGMA quick_check") { $0.string(at: 0) }
        } catch let error as StoreError where error.isCorruption {
            throw StoreError.unusableDatabase(path: connection.path, reason: "\(error)")
        }
        guard problems == ["ok"] else {
            throw StoreError.unusableDatabase(
                path: connection.path,
                reason: "PRAGMA quick_check found: " + problems.prefix(5).joined(separator: "; "))
        }
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
