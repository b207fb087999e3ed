import Foundation
import Testing

@testable import Store

/// What `Database.open` does with a file it did not just create: upgrades keep a copy, files that
/// are not databases are refused untouched.
@Suite struct DatabaseUpgradeTests {
    @Test func upgradingAnOlderSchemaKeepsACopyAtTheOldVersion() throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/berth.db"
            let old = try SQLiteConnection(path: path)
            try Migrator.migrate(old, Array(Schema.migrations.prefix(5)))
            try old.setConfig("core.https_address", ":8443")
            old.close()

            let database = try Database.open(path: path)
            #expect(try database.read { try Migrator.currentVersion($0) } == Schema.latestVersion)
            #expect(try database.config() == ["core.https_address": ":8443"])
            let copy = try SQLiteConnection(path: path + ".pre-v\(Schema.latestVersion).bak")
            #expect(try Migrator.currentVersion(copy) == 5)
            #expect(try copy.config() == ["core.https_address": ":8443"])
        }
    }

    @Test(arguments: [
        Data("this is not a database, just some text that happens to be long enough".utf8),
        Data(repeating: 0, count: 8192) + Data("SQLite format 3".utf8),
        Data("SQLite format 3\u{0}".utf8) + Data(repeating: 0xFF, count: 4096),
    ])
    func refusesAFileThatIsNotADatabaseAndLeavesItAsItWas(contents: Data) throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/berth.db"
            try contents.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { _ = try Database.open(path: path) }
            guard case .unusableDatabase(let reported, _) = error else {
                Issue.record("expected unusableDatabase, got \(String(describing: error))")
                return
            }
            #expect(reported == path)
            #expect(error?.description.contains("is not a usable berth database") == true)
            #expect(FileManager.default.contents(atPath: path) == contents)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".bak") } == [])
        }
    }
}
