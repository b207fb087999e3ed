import CSQLite

/// Everything the Store can fail with. Callers outside the Store (the API's one error mapping) treat
/// all cases as internal errors; the cases exist so logs and tests can tell *why* a store call failed.
public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// SQLite returned an error. `code` is the primary result code (`SQLITE_BUSY` = 5, …),
    /// `extendedCode` the extended one (`SQLITE_BUSY_SNAPSHOT`, `SQLITE_CONSTRAINT_UNIQUE`, …) so that
    /// callers can branch on the primary code and logs keep the precise cause. `sql` is the statement
    /// that failed, when there was one (opening a file has none).
    case sqlite(code: Int32, extendedCode: Int32, message: String, sql: String?)

    /// The file was written by a newer berthd whose schema this build does not know. Starting anyway
    /// could corrupt data the newer version relies on, so opening is refused (a downgrade needs a backup).
    case databaseTooNew(found: Int, supported: Int, path: String)

    /// A migration failed and the whole upgrade was rolled back: the database is unchanged at schema
    /// version `databaseVersion`. `underlying` is the description of the original error.
    case migrationFailed(version: Int, name: String, underlying: String, databaseVersion: Int)

    /// The file is not a SQLite database, or is corrupt (`SQLITE_NOTADB`, `SQLITE_CORRUPT`, a failed
    /// integrity check). Nothing is written to it: it needs a person and a backup.
    case unusableDatabase(path: String, reason: String)

    /// A backup copy could not be written to `path` (opening, copying, syncing or renaming it).
    case backupFailed(path: String, reason: String)

    /// `PRAGMA journal_mode=WAL` did not take (it answered with the mode given here, e.g. `memory` for an
    /// in-memory database or `delete` on a file system without shared memory). Berth's durability and
    /// read-while-write behaviour depend on WAL, so this is fatal rather than a silent downgrade.
    case notWAL(String)

    /// A migration list is not usable: versions must start at 1 or above and strictly increase.
    /// This is a programming error in the list, reported as an error so that it is testable.
    case invalidMigrationList(String)

    /// The connection was closed (or the statement belongs to a closed connection) before this call.
    case closed

    /// Whether SQLite found the file not to be a database, or corrupt.
    public var isCorruption: Bool {
        if case .sqlite(let code, _, _, _) = self { return code == SQLITE_CORRUPT || code == SQLITE_NOTADB }
        return false
    }

    /// Whether SQLite gave up waiting for a lock (`SQLITE_BUSY`) after the busy timeout.
    public var isBusy: Bool {
        if case .sqlite(let code, _, _, _) = self { return code == SQLITE_BUSY }
        return false
    }

    public var description: String {
        switch self {
        case .sqlite(let code, let extendedCode, let message, let sql):
            var text = "sqlite error \(extendedCode)"
            if extendedCode != code { text += " (primary \(code))" }
            text += ": \(message)"
            if let sql { text += " in \"\(sql)\"" }
            return text
        case .databaseTooNew(let found, let supported, let path):
            return "database \(path) has schema version \(found) but this berthd supports up to \(supported); "
                + "refusing to start (a newer berthd wrote it: run that version, or restore the copy it kept "
                + "before upgrading, \(path).pre-v\(found).bak, if there is one)"
        case .migrationFailed(let version, let name, let underlying, let databaseVersion):
            return "migration \(version) (\(name)) failed: \(underlying); the upgrade was rolled back as a whole "
                + "and the database is unchanged at schema version \(databaseVersion)"
        case .unusableDatabase(let path, let reason):
            return "\(path) is not a usable berth database: \(reason); nothing was written to it "
                + "(restore a backup made with berthd backup, or move the file away to start afresh)"
        case .backupFailed(let path, let reason):
            return "cannot write the backup \(path): \(reason)"
        case .notWAL(let mode):
            return "cannot enable WAL journal mode: SQLite reports journal_mode=\(mode)"
        case .invalidMigrationList(let reason):
            return "invalid migration list: \(reason)"
        case .closed:
            return "the database connection is closed"
        }
    }
}

extension StoreError {
    /// The error SQLite recorded on `db` for a call that returned `result`.
    static func sqlite(_ result: Int32, db: OpaquePointer?, sql: String?) -> StoreError {
        let message =
            db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(result))
        let extended = db.map { sqlite3_extended_errcode($0) } ?? result
        // The call's own result is the truth for the primary code; the connection's extended code
        // refines it only when it describes the same failure.
        let extendedCode = extended & 0xFF == result & 0xFF ? extended : result
        return .sqlite(code: result & 0xFF, extendedCode: extendedCode, message: message, sql: sql)
    }
}
