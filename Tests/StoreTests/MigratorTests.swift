import Testing

@testable import Store

@Suite struct MigratorTests {
    /// Three versions where each needs the one before it, so running them out of order would fail.
    static let migrations = [
        Migration(version: 1, name: "create_items", sql: "CREATE TABLE items (id INTEGER PRIMARY KEY) STRICT;"),
        Migration(version: 2, name: "add_item_name", sql: "ALTER TABLE items ADD COLUMN name TEXT;"),
        Migration(version: 3, name: "seed_items") { connection in
            try connection.run("INSERT INTO items (name) VALUES (?)", ["first"])
        },
    ]

    private static func withConnection(_ body: (SQLiteConnection) throws -> Void) throws {
        try TemporaryDirectory.with { directory throws in
            try body(SQLiteConnection(path: directory + "/test.db"))
        }
    }

    private static func recorded(_ connection: SQLiteConnection) throws -> [String] {
        try connection.query("SELECT version, name FROM schema_migrations ORDER BY version") {
            "\($0.int(at: 0)) \($0.string(at: 1))"
        }
    }

    private static func tableExists(_ name: String, _ connection: SQLiteConnection) throws -> Bool {
        try connection.query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [name]) {
            $0.int(at: 0)
        } == [1]
    }

    @Test func appliesPendingMigrationsInOrderAndRecordsEachVersion() throws {
        try Self.withConnection { connection throws in
            #expect(try Migrator.currentVersion(connection) == 0)
            #expect(try Migrator.migrate(connection, Self.migrations) == [1, 2, 3])
            #expect(try Migrator.currentVersion(connection) == 3)
            #expect(try Self.recorded(connection) == ["1 create_items", "2 add_item_name", "3 seed_items"])
            #expect(try connection.query("SELECT name FROM items") { $0.string(at: 0) } == ["first"])
            let timestamps = try connection.query("SELECT applied_at FROM schema_migrations") { $0.string(at: 0) }
            #expect(timestamps.allSatisfy { $0.count == 24 && $0.hasSuffix("Z") })  // 2026-11-22T10:00:00.000Z
        }
    }

    @Test func runningAgainIsANoOp() throws {
        try Self.withConnection { connection throws in
            try Migrator.migrate(connection, Self.migrations)
            let before = try connection.query("SELECT version, applied_at FROM schema_migrations") {
                "\($0.int(at: 0)) \($0.string(at: 1))"
            }
            #expect(try Migrator.migrate(connection, Self.migrations) == [])
            #expect(try connection.query("SELECT count(*) FROM items") { $0.int(at: 0) } == [1])  // not seeded twice
            let after = try connection.query("SELECT version, applied_at FROM schema_migrations") {
                "\($0.int(at: 0)) \($0.string(at: 1))"
            }
            #expect(after == before)
        }
    }

    @Test func appliesOnlyTheVersionsAboveTheCurrentOne() throws {
        try Self.withConnection { connection throws in
            #expect(try Migrator.migrate(connection, Array(Self.migrations.prefix(1))) == [1])
            #expect(try Migrator.migrate(connection, Self.migrations) == [2, 3])
            #expect(try Self.recorded(connection).count == 3)
        }
    }

    @Test func aFailingMigrationRollsBackFullyAndLeavesThePreviousVersion() throws {
        try Self.withConnection { connection throws in
            let broken = [
                Self.migrations[0],
                Migration(
                    version: 2, name: "broken",
                    sql: "CREATE TABLE partial (x INTEGER) STRICT; INSERT INTO no_such_table VALUES (1);"),
            ]
            let error = #expect(throws: StoreError.self) { try Migrator.migrate(connection, broken) }
            guard case .migrationFailed(let version, let name, let underlying) = error else {
                Issue.record("expected migrationFailed, got \(String(describing: error))")
                return
            }
            #expect(version == 2)
            #expect(name == "broken")
            #expect(underlying.contains("no such table: no_such_table"))
            #expect(try Migrator.currentVersion(connection) == 1)
            #expect(try Self.recorded(connection) == ["1 create_items"])
            #expect(try !Self.tableExists("partial", connection))
            #expect(try Self.tableExists("items", connection))
            #expect(!connection.isInTransaction)
        }
    }

    @Test func aMigrationThatThrowsFromCodeIsRolledBackToo() throws {
        try Self.withConnection { connection throws in
            let throwing = Migration(version: 1, name: "half_done") { connection in
                try connection.execute("CREATE TABLE half (x INTEGER) STRICT")
                throw TestError(tag: "data check failed")
            }
            let error = #expect(throws: StoreError.self) { try Migrator.migrate(connection, [throwing]) }
            #expect(
                error
                    == .migrationFailed(
                        version: 1, name: "half_done", underlying: "TestError(tag: \"data check failed\")"))
            #expect(try Migrator.currentVersion(connection) == 0)
            #expect(try !Self.tableExists("half", connection))
            #expect(try !Self.tableExists("schema_migrations", connection))
        }
    }

    @Test func refusesADatabaseFromANewerSchemaAndNamesBothVersions() throws {
        try Self.withConnection { connection throws in
            try connection.execute("PRAGMA user_version = 7")
            let error = #expect(throws: StoreError.self) { try Migrator.migrate(connection, Self.migrations) }
            #expect(error == .databaseTooNew(found: 7, supported: 3, path: connection.path))
            #expect(
                error?.description
                    == "database \(connection.path) has schema version 7 but this berthd supports up to 3; "
                    + "refusing to start (a newer berthd wrote it)")
            #expect(try !Self.tableExists("items", connection))  // nothing was touched
            #expect(try Migrator.currentVersion(connection) == 7)
        }
    }

    @Test(arguments: [[2, 1], [1, 1], [0, 1], [1, 3, 2]])
    func refusesVersionsThatDoNotStrictlyIncrease(versions: [Int]) throws {
        try Self.withConnection { connection throws in
            let migrations = versions.map { Migration(version: $0, name: "v\($0)", sql: "SELECT 1;") }
            let error = #expect(throws: StoreError.self) { try Migrator.migrate(connection, migrations) }
            guard case .invalidMigrationList = error else {
                Issue.record("expected invalidMigrationList, got \(String(describing: error))")
                return
            }
            #expect(try Migrator.currentVersion(connection) == 0)  // validated before anything ran
        }
    }
}
