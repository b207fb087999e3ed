import Dispatch
import Synchronization
import Testing

@testable import Store

@Suite struct DatabaseTests {
    @Test func openingAFreshPathCreatesTheSchemaAtTheLatestVersion() throws {
        try TemporaryDirectory.with { directory throws in
            let database = try Database.open(path: directory + "/berth.db")
            let tables = try database.read { connection in
                try connection.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") {
                    $0.string(at: 0)
                }
            }
            #expect(
                tables == [
                    "api_tokens", "certificates", "config", "events", "idempotency_keys", "image_aliases", "images",
                    "instance_snapshots",
                    "instances", "jobs",
                    "operation_log", "operations", "schema_migrations",
                ])
            #expect(try database.read { try Migrator.currentVersion($0) } == Schema.latestVersion)
            #expect(try database.config() == [:])
        }
    }

    @Test func reopeningKeepsDataAndAppliesNothing() throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/berth.db"
            let first = try Database.open(path: path)
            try first.setConfig("core.https_address", ":8443")
            first.close()

            let second = try Database.open(path: path)
            #expect(try second.config() == ["core.https_address": ":8443"])
            let recorded = try second.read { connection in
                try connection.query("SELECT count(*) FROM schema_migrations") { $0.int(at: 0) }
            }
            #expect(recorded == [Schema.migrations.count])
        }
    }

    @Test func refusesToOpenADatabaseFromANewerBerthd() throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/berth.db"
            try SQLiteConnection(path: path).execute("PRAGMA user_version = \(Schema.latestVersion + 5)")
            #expect(
                throws: StoreError.databaseTooNew(
                    found: Schema.latestVersion + 5, supported: Schema.latestVersion, path: path)
            ) {
                _ = try Database.open(path: path)
            }
        }
    }

    @Test func writeCommitsAndReturnsTheBodysValue() throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/berth.db"
            let database = try Database.open(path: path)
            let changed = try database.write { connection in
                try connection.run("INSERT INTO config (key, value) VALUES (?, ?), (?, ?)", ["a", "1", "b", "2"])
            }
            #expect(changed == 2)
            #expect(try SQLiteConnection(path: path).config() == ["a": "1", "b": "2"])
        }
    }

    @Test func writeRollsBackWhenTheBodyThrows() throws {
        try TemporaryDirectory.with { directory throws in
            let database = try Database.open(path: directory + "/berth.db")
            #expect(throws: TestError(tag: "invalid")) {
                try database.write { connection in
                    try connection.setConfig("a", "1")
                    throw TestError(tag: "invalid")
                }
            }
            #expect(try database.config() == [:])
        }
    }

    @Test func manyThreadsCanWriteAtOnce() throws {
        try TemporaryDirectory.with { directory throws in
            let database = try Database.open(path: directory + "/berth.db")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for item in 0..<25 {
                    do {
                        try database.setConfig("key.\(thread).\(item)", "\(thread * 100 + item)")
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let config = try database.config()
            #expect(config.count == 200)
            #expect(config["key.7.24"] == "724")
        }
    }

    @Test func everyCallAfterCloseThrowsClosed() throws {
        try TemporaryDirectory.with { directory throws in
            let database = try Database.open(path: directory + "/berth.db")
            database.close()
            #expect(throws: StoreError.closed) { _ = try database.config() }
            #expect(throws: StoreError.closed) { try database.setConfig("a", "1") }
        }
    }
}
