import Foundation
import Synchronization
import Testing

@testable import Store

@Suite struct SQLiteConnectionBackupTests {
    /// The first column of every row, as text.
    private static func column(_ connection: SQLiteConnection, _ sql: String) throws -> [String] {
        try connection.query(sql) { $0.string(at: 0) }
    }

    @Test func theCopyHoldsEveryCommittedRowAndStandsAloneWithoutAWAL() throws {
        try TemporaryDirectory.with { directory throws in
            let source = try SQLiteConnection(path: directory + "/berth.db")
            try Migrator.migrate(source, Schema.migrations)
            try source.setConfig("core.https_address", ":8443")
            try source.execute("PRAGMA user_version = \(Schema.latestVersion)")
            // Committed but still only in the WAL: the copy must include it all the same.
            #expect(FileManager.default.fileExists(atPath: directory + "/berth.db-wal"))

            let copy = directory + "/copy.db"
            try source.backup(to: copy)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(files.filter { $0.hasPrefix("copy") } == ["copy.db"])  // no .tmp, no -wal, no -journal
            // Bytes 18 and 19 are 1: a rollback-journal file (https://sqlite.org/fileformat2.html §1.3.3).
            let header = try #require(FileManager.default.contents(atPath: copy))
            #expect(Array(header[18...19]) == [1, 1])

            let restored = try SQLiteConnection(path: copy)
            #expect(try restored.config() == ["core.https_address": ":8443"])
            #expect(try Migrator.currentVersion(restored) == Schema.latestVersion)
            #expect(try Self.column(restored, "PRAGMA integrity_check") == ["ok"])
        }
    }

    @Test func replacesAnExistingFileAndAFailedBackupLeavesNothingBehind() throws {
        try TemporaryDirectory.with { directory throws in
            let source = try SQLiteConnection(path: directory + "/berth.db")
            try source.execute("CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES (1), (2);")
            let copy = directory + "/copy.db"
            try Data("old".utf8).write(to: URL(fileURLWithPath: copy))
            try source.backup(to: copy)
            #expect(try Self.column(SQLiteConnection(path: copy), "SELECT count(*) FROM t") == ["2"])

            let nowhere = directory + "/missing/copy.db"
            let error = #expect(throws: StoreError.self) { try source.backup(to: nowhere) }
            guard case .backupFailed(let path, _) = error else {
                Issue.record("expected backupFailed, got \(String(describing: error))")
                return
            }
            #expect(path == nowhere)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp") } == [])
        }
    }

    /// The backup runs on its own connection while another thread commits pairs of rows as fast as it
    /// can: the copy must be one consistent snapshot (never half a pair), hold every pair committed
    /// before it started, and pass `integrity_check`.
    @Test func anOnlineBackupDuringSteadyWritesIsOneConsistentSnapshot() throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/berth.db"
            let setup = try SQLiteConnection(path: path)
            try setup.execute(
                "CREATE TABLE pairs (id INTEGER PRIMARY KEY, pair INTEGER NOT NULL, half INTEGER) STRICT;")
            setup.close()

            let committedPairs = Atomic<Int>(0)
            let stop = Atomic<Bool>(false)
            let failure = Mutex<String?>(nil)
            let finished = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                defer { finished.signal() }
                do {
                    let writer = try SQLiteConnection(path: path)
                    var pair = 0
                    while !stop.load(ordering: .acquiring) {
                        pair += 1
                        try writer.transaction(.immediate) { connection in
                            // Padding, so the database spans many pages and the copy takes a while.
                            let padding = String(repeating: "x", count: 512)
                            try connection.run("INSERT INTO pairs (pair, half) VALUES (?, 0)", [pair])
                            try connection.execute("CREATE TABLE IF NOT EXISTS pad (p TEXT)")
                            try connection.run("INSERT INTO pad (p) VALUES (?)", [padding])
                            try connection.run("INSERT INTO pairs (pair, half) VALUES (?, 1)", [pair])
                        }
                        committedPairs.store(pair, ordering: .releasing)
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
            }
            defer {
                stop.store(true, ordering: .releasing)
                finished.wait()
            }
            while committedPairs.load(ordering: .acquiring) < 2000 && failure.withLock({ $0 }) == nil {
                usleep(1000)
            }

            let source = try SQLiteConnection(path: path)
            var copies: [(before: Int, copied: [String])] = []
            for round in 0..<3 {
                let before = committedPairs.load(ordering: .acquiring)
                let copy = directory + "/copy\(round).db"
                try source.backup(to: copy)
                let restored = try SQLiteConnection(path: copy)
                #expect(try Self.column(restored, "PRAGMA integrity_check") == ["ok"])
                copies.append(
                    (before, try Self.column(restored, "SELECT count(*) || ' ' || count(DISTINCT pair) FROM pairs")))
                // Commits are in order: a snapshot holds pairs 1…n with no gap.
                #expect(try Self.column(restored, "SELECT max(pair) = count(DISTINCT pair) FROM pairs") == ["1"])
            }
            let after = committedPairs.load(ordering: .acquiring)
            #expect(failure.withLock { $0 } == nil)
            for (before, copied) in copies {
                let parts = copied[0].split(separator: " ").compactMap { Int($0) }
                #expect(parts.count == 2)
                let (rows, pairs) = (parts[0], parts[1])
                #expect(rows == 2 * pairs, "never half a pair")
                #expect(pairs >= before, "every pair committed before the backup started")
                #expect(pairs <= after)
            }
            #expect(after > copies[0].before, "the writer kept committing during the backups")
        }
    }
}
