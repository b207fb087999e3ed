import Foundation
import Testing

@testable import Daemon

/// The refusals of `berthd backup`, checked before any database is opened; a real copy of a live
/// database is the end-to-end test's (Tests/EndToEnd/test_backup.py).
@Suite struct BackupCommandTests {
    private static func withStateDirectory(_ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-backup-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    /// The message of the `DaemonError` that `body` throws; nil when it succeeds.
    private static func message(_ body: () throws -> BackupCommand.Summary) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? DaemonError)?.description ?? "not a DaemonError: \(error)"
        }
    }

    @Test func refusesAStateDirectoryWithoutADatabase() throws {
        try Self.withStateDirectory { directory in
            let message = Self.message {
                try BackupCommand.run(stateDirectory: directory, destination: directory + "/copy.db", force: false)
            }
            #expect(message == "no database to back up: \(directory)/berth.db does not exist (is --state-dir right?)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/copy.db"))
        }
    }

    @Test func neverOverwritesWithoutForceNorWritesOverTheDatabaseOrADirectory() throws {
        try Self.withStateDirectory { directory in
            let database = Data("berth".utf8)
            try database.write(to: URL(fileURLWithPath: directory + "/berth.db"))
            let existing = directory + "/old.db"
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
            #expect(
                Self.message { try BackupCommand.run(stateDirectory: directory, destination: existing, force: false) }
                    == "\(existing) exists; use --force to replace it")
            #expect(FileManager.default.contents(atPath: existing) == Data("keep me".utf8))
            #expect(
                Self.message {
                    try BackupCommand.run(stateDirectory: directory, destination: directory + "/", force: true)
                } == "\(directory)/ is a directory; --to names the backup file")
            // The same file by another name is still the database.
            try FileManager.default.createSymbolicLink(atPath: directory + "/link.db", withDestinationPath: "berth.db")
            #expect(
                Self.message {
                    try BackupCommand.run(stateDirectory: directory, destination: directory + "/link.db", force: true)
                } == "\(directory)/link.db is the database itself")
            #expect(FileManager.default.contents(atPath: directory + "/berth.db") == database)
        }
    }

    @Test func aFileThatIsNotADatabaseIsReportedAndNoCopyIsLeft() throws {
        try Self.withStateDirectory { directory in
            try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: directory + "/berth.db"))
            let copy = directory + "/copy.db"
            let message = try #require(
                Self.message { try BackupCommand.run(stateDirectory: directory, destination: copy, force: false) })
            #expect(message.hasPrefix("cannot back up \(directory)/berth.db to \(copy): "))
            #expect(message.contains("file is not a database"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["berth.db"])
        }
    }
}
