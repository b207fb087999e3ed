import Foundation
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

    @Test func aFailingMigrationRollsBackTheWholeUpgradeAndLeavesTheVersionItHad() throws {
        try Self.withConnection { connection throws in
            try Migrator.migrate(connection, Array(Self.migrations.prefix(1)))
            let broken = [
                Self.migrations[0],
                Self.migrations[1],
                Migration(
                    version: 3, name: "broken",
                    sql: "CREATE TABLE partial (x INTEGER) STRICT; INSERT INTO no_such_table VALUES (1);"),
            ]
            let error = #expect(throws: StoreError.self) { try Migrator.migrate(connection, broken) }
            guard case .migrationFailed(let version, let name, let underlying, let databaseVersion) = error else {
                Issue.record("expected migrationFailed, got \(String(describing: error))")
                return
            }
            #expect(version == 3)
            #expect(name == "broken")
            #expect(underlying.contains("no such table: no_such_table"))
            #expect(databaseVersion == 1)
            #expect(
                error?.description.hasSuffix(
                    "the upgrade was rolled back as a whole and the database is unchanged at schema version 1") == true)
            // Migration 2 succeeded before 3 failed, and is undone with it.
            #expect(try Migrator.currentVersion(connection) == 1)
            #expect(try Self.recorded(connection) == ["1 create_items"])
            #expect(try connection.query("SELECT count(*) FROM pragma_table_info('items')") { $0.int(at: 0) } == [1])
            #expect(try !Self.tableExists("partial", connection))
            #expect(!connection.isInTransaction)
            // Fixed, the same upgrade then goes through.
            #expect(try Migrator.migrate(connection, Self.migrations) == [2, 3])
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
                        version: 1, name: "half_done", underlying: "TestError(tag: \"data check failed\")",
                        databaseVersion: 0))
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
                    + "refusing to start (a newer berthd wrote it: run that version, or restore the copy it kept "
                    + "before upgrading, \(connection.path).pre-v7.bak, if there is one)")
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

    /// Everything a migration could change: the schema, the rows, both version records.
    private static func dump(_ connection: SQLiteConnection) throws -> [String] {
        var lines = try connection.query(
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name"
        ) {
            $0.string(at: 0)
        }
        lines.append("user_version \(try Migrator.currentVersion(connection))")
        if try tableExists("items", connection) {
            lines += try connection.query("SELECT * FROM items ORDER BY id") { "item \($0.int(at: 0))" }
        }
        if try tableExists("schema_migrations", connection) {
            lines += try recorded(connection)
        }
        return lines
    }

    @Test func keepsACopyOfTheDatabaseAsItWasBeforeAnUpgrade() throws {
        try Self.withConnection { connection throws in
            try Migrator.migrate(connection, Array(Self.migrations.prefix(1)))
            try connection.run("INSERT INTO items (id) VALUES (?)", [41])
            let before = try Self.dump(connection)
            #expect(try Migrator.migrate(connection, Self.migrations, keepingCopy: true) == [2, 3])

            let copyPath = Migrator.backupPath(for: connection.path, upgradingTo: 3)
            #expect(copyPath == connection.path + ".pre-v3.bak")
            let copy = try SQLiteConnection(path: copyPath)
            #expect(try Self.dump(copy) == before)
        }
    }

    @Test func keepsNoCopyForANewDatabaseOrOneThatIsCurrent() throws {
        try Self.withConnection { connection throws in
            try Migrator.migrate(connection, Self.migrations, keepingCopy: true)
            try Migrator.migrate(connection, Self.migrations, keepingCopy: true)
            let directory = (connection.path as NSString).deletingLastPathComponent
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".bak") } == [])
        }
    }

    /// A bad statement after a good one, in the last migration of an upgrade from 1 to 3: the database
    /// must be exactly as it was, and the copy kept before it too.
    @Test func anUpgradeFailingHalfWayLeavesTheDatabaseUntouched() throws {
        try Self.withConnection { connection throws in
            try Migrator.migrate(connection, Array(Self.migrations.prefix(1)))
            try connection.run("INSERT INTO items (id) VALUES (?)", [7])
            let before = try Self.dump(connection)
            let failing = [
                Self.migrations[0], Self.migrations[1],
                Migration(
                    version: 3, name: "half_way",
                    sql: "UPDATE items SET name = 'renamed'; CREATE TABLE extra (x INTEGER) STRICT; SELECT * FROM nope;"
                ),
            ]
            let error = #expect(throws: StoreError.self) {
                try Migrator.migrate(connection, failing, keepingCopy: true)
            }
            let message = try #require(error?.description)
            #expect(message.hasPrefix("migration 3 (half_way) failed: sqlite error 1: no such table: nope"))
            #expect(message.hasSuffix("the database is unchanged at schema version 1"))
            #expect(try Self.dump(connection) == before)
            // Reopened from disk, as the next start would see it.
            connection.close()
            #expect(try Self.dump(SQLiteConnection(path: connection.path)) == before)
            #expect(try Self.dump(SQLiteConnection(path: connection.path + ".pre-v3.bak")) == before)
        }
    }

    @Test func refusesToUpgradeACorruptDatabaseAndWritesNothing() throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/test.db"
            let connection = try SQLiteConnection(path: path)
            try Migrator.migrate(connection, Array(Self.migrations.prefix(2)))
            try connection.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                    + "INSERT INTO items (id, name) SELECT i, printf('%0500d', i) FROM n")
            connection.close()  // checkpoints: every page is in the main file now
            // Garbage over the middle of the table's pages (the header and schema page stay readable).
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.seek(toOffset: 40 * 4096)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 3 * 4096))
            try handle.close()
            let damaged = try #require(FileManager.default.contents(atPath: path))

            let reopened = try SQLiteConnection(path: path)
            let error = #expect(throws: StoreError.self) {
                try Migrator.migrate(reopened, Self.migrations, keepingCopy: true)
            }
            guard case .unusableDatabase(let reported, let reason) = error else {
                Issue.record("expected unusableDatabase, got \(String(describing: error))")
                return
            }
            #expect(reported == path)
            #expect(reason.contains("quick_check"))
            #expect(try Migrator.currentVersion(reopened) == 2)
            reopened.close()
            #expect(FileManager.default.contents(atPath: path) == damaged)
            #expect(!FileManager.default.fileExists(atPath: path + ".pre-v3.bak"))
        }
    }
}
