import Foundation
import Store

/// `berthd backup --state-dir DIR --to FILE [--force]`: a consistent copy of `DIR/berth.db`, taken with
/// SQLite's online backup API, so berthd keeps serving (and writing) meanwhile. The copy is a single
/// self-contained file, verified with `PRAGMA integrity_check`, written to `FILE.tmp` and renamed;
/// restoring it is stopping berthd and putting it back as `berth.db` (without the old `-wal`/`-shm`).
enum BackupCommand {
    /// What was written, for the line printed on success.
    struct Summary: Equatable {
        let source: String
        let destination: String
        let bytes: Int
        let schemaVersion: Int
    }

    static func run(stateDirectory: String, destination: String, force: Bool) throws(DaemonError) -> Summary {
        let source = stateDirectory + "/berth.db"
        var sourceInfo = stat()
        guard stat(source, &sourceInfo) == 0, sourceInfo.st_mode & S_IFMT == S_IFREG else {
            throw DaemonError("no database to back up: \(source) does not exist (is --state-dir right?)")
        }
        var destinationInfo = stat()
        if stat(destination, &destinationInfo) == 0 {
            guard destinationInfo.st_mode & S_IFMT != S_IFDIR else {
                throw DaemonError("\(destination) is a directory; --to names the backup file")
            }
            guard destinationInfo.st_dev != sourceInfo.st_dev || destinationInfo.st_ino != sourceInfo.st_ino else {
                throw DaemonError("\(destination) is the database itself")
            }
            guard force else { throw DaemonError("\(destination) exists; use --force to replace it") }
        }
        // The database holds certificate fingerprints and token hashes: the copy is for its owner only.
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        do {
            // Opening does not migrate: the copy is the database exactly as the running berthd has it.
            let connection = try SQLiteConnection(path: source)
            defer { connection.close() }
            try connection.backup(to: destination)
            // Only a start-up migration changes it, and the running berthd has done those.
            let version = try Migrator.currentVersion(connection)
            let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
            return Summary(source: source, destination: destination, bytes: size, schemaVersion: version)
        } catch {
            throw DaemonError("cannot back up \(source) to \(destination): \(error)")
        }
    }
}
