import CSQLite

/// One SQLite database connection, set up the way Berth needs it: WAL journal, `synchronous=NORMAL`,
/// foreign keys enforced, and a busy timeout instead of failing at the first lock.
///
/// A connection is opened with `SQLITE_OPEN_NOMUTEX`, so SQLite does no locking of its own: it must
/// have one owner at a time. It is deliberately not `Sendable`; `Database` wraps one in a `Mutex` for
/// use from any thread.
///
/// Durability: in WAL mode `synchronous=NORMAL` syncs the WAL only at checkpoints, not at every
/// commit. A committed transaction is in the WAL file (the OS page cache) when `COMMIT` returns, so
/// it survives the process crashing or being killed with `kill -9`; only a power loss or kernel
/// crash can lose the last few commits, and even then the database stays consistent
/// (https://sqlite.org/pragma.html#pragma_synchronous). That trade buys roughly 13× the commit rate
/// of `FULL` (measured: ~39,800 vs ~2,950 single-insert transactions per second).
public final class SQLiteConnection {
    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    public static let defaultBusyTimeout: Duration = .milliseconds(5000)

    /// The path the connection was opened with; used in error messages.
    public let path: String

    /// `nil` once closed.
    private(set) var handle: OpaquePointer?

    /// Prepared statements for SQL that runs again and again, keyed by the exact SQL text.
    var statementCache: [String: Statement] = [:]

    /// How many `SAVEPOINT`s nested `transaction` calls have open; names them uniquely.
    var savepointDepth = 0

    /// Opens (creating if needed) the database file at `path` and applies the connection settings.
    /// Throws `StoreError.notWAL` when the file cannot use WAL journaling.
    public init(path: String, busyTimeout: Duration = SQLiteConnection.defaultBusyTimeout) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &db, flags, nil)
        guard result == SQLITE_OK, let db else {
            let error = StoreError.sqlite(result, db: db, sql: nil)
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        // Extended codes on every call, so `SQLITE_BUSY_SNAPSHOT` etc. are not folded into `SQLITE_BUSY`.
        sqlite3_extended_result_codes(db, 1)
        do {
            sqlite3_busy_timeout(db, Self.milliseconds(busyTimeout))
            let mode = try pragma("journal_mode=WAL")
            guard mode?.lowercased() == "wal" else { throw StoreError.notWAL(mode ?? "none") }
            try execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Whether `close()` has not been called yet.
    public var isOpen: Bool { handle != nil }

    /// Finalizes the cached statements and closes the connection. Statements prepared with
    /// `prepare(_:)` that are still referenced stop working (they throw `StoreError.closed`); SQLite
    /// releases the connection when the last of them is gone (`sqlite3_close_v2`). Safe to call twice.
    public func close() {
        guard let db = handle else { return }
        for statement in statementCache.values { statement.finalize() }
        statementCache.removeAll()
        handle = nil
        sqlite3_close_v2(db)
    }

    /// Runs one or more `;`-separated statements that return no rows needed by the caller: schema
    /// scripts, migrations, `PRAGMA` writes. Not for values from outside (it takes no bindings).
    public func execute(_ sql: String) throws {
        let db = try openHandle()
        let result = sqlite3_exec(db, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw StoreError.sqlite(result, db: db, sql: sql) }
    }

    /// Compiles one SQL statement. Prefer `cached(_:)` for SQL that runs more than once. More than
    /// one statement is an error (SQLite would silently compile only the first); use `execute(_:)`.
    public func prepare(_ sql: String) throws -> Statement {
        let db = try openHandle()
        var statement: OpaquePointer?
        var remainder = ""
        let result = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let result = sqlite3_prepare_v2(db, text, -1, &statement, &tail)
            if let tail { remainder = String(cString: tail) }
            return result
        }
        guard result == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw StoreError.sqlite(result, db: db, sql: sql)
        }
        guard let statement else {
            // Only whitespace or comments: SQLite compiles nothing and reports success.
            throw StoreError.sqlite(
                code: SQLITE_MISUSE, extendedCode: SQLITE_MISUSE, message: "no SQL statement", sql: sql)
        }
        let compiled = Statement(handle: statement, connection: self, sql: sql)
        if Self.containsStatement(remainder, db: db) {
            throw StoreError.sqlite(
                code: SQLITE_MISUSE, extendedCode: SQLITE_MISUSE,
                message: "more than one SQL statement; use execute for scripts", sql: sql)
        }
        return compiled
    }

    /// The rowid of the most recent successful `INSERT` on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows changed by the most recent `INSERT`, `UPDATE` or `DELETE` on this connection.
    public var changes: Int {
        handle.map { Int(sqlite3_changes64($0)) } ?? 0
    }

    /// Whether a transaction is open (SQLite is not in autocommit mode).
    public var isInTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    func openHandle() throws -> OpaquePointer {
        guard let handle else { throw StoreError.closed }
        return handle
    }

    /// Runs `PRAGMA <body>` and returns the first column of its first row as text, if any.
    func pragma(_ body: String) throws -> String? {
        let statement = try prepare("PRAGMA " + body)
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.string(at: 0)
    }

    /// Whether `sql` holds anything but whitespace, `;` and comments (anything SQLite would compile,
    /// or fail to).
    private static func containsStatement(_ sql: String, db: OpaquePointer) -> Bool {
        guard sql.contains(where: { !$0.isWhitespace && $0 != ";" }) else { return false }
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        sqlite3_finalize(statement)
        return result != SQLITE_OK || statement != nil
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}

/// A connection has one owner at a time (`SQLITE_OPEN_NOMUTEX`); share it through `Database`.
@available(*, unavailable)
extension SQLiteConnection: Sendable {}
