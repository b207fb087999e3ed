import Synchronization

/// Berth's database: one migrated `SQLiteConnection` that any thread or task can use.
///
/// Calls are serialized by a `Mutex`. That is the design, not a shortcut: SQLite allows one writer
/// at a time anyway, and Berth's statements are short. Bodies must stay short too (no waiting on
/// the network or a driver while holding the database) and must not call back into the same
/// `Database` (the mutex is not recursive: that deadlocks).
public final class Database: Sendable {
    /// The database file.
    public let path: String

    private let connection: Mutex<SQLiteConnection>

    private init(path: String, connection: sending SQLiteConnection) {
        self.path = path
        self.connection = Mutex(connection)
    }

    /// Opens (creating if needed) the database at `path` and migrates it to `Schema.migrations`, keeping
    /// a copy from before an upgrade (`Migrator.backupPath`). Throws `StoreError.databaseTooNew` for a
    /// file from a newer berthd, `StoreError.unusableDatabase` for one that is not a database or is
    /// corrupt, `StoreError.migrationFailed` if the schema cannot be brought up to date.
    public static func open(
        path: String, busyTimeout: Duration = SQLiteConnection.defaultBusyTimeout
    ) throws -> Database {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, busyTimeout: busyTimeout)
        } catch let error as StoreError where error.isCorruption {
            throw StoreError.unusableDatabase(path: path, reason: "\(error)")
        }
        try Migrator.migrate(connection, Schema.migrations, keepingCopy: true)
        return Database(path: path, connection: connection)
    }

    // `body` is `@Sendable` and returns a `Sendable` value so the compiler can prove the connection
    // never leaves the lock: such a closure cannot capture mutable state to stash it in, and the result
    // cannot be the connection or a statement. (A plain closure is rejected by region checking for
    // exactly that reason.)

    /// Runs `body` in a `DEFERRED` transaction, so several statements see one consistent snapshot.
    /// It should only read: a write in it could fail with `SQLITE_BUSY` at once; use `write` for that.
    @discardableResult
    public func read<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { connection in
            try connection.transaction(.deferred, body)
        }
    }

    /// Runs `body` in an `IMMEDIATE` transaction: committed when it returns, rolled back (and the error
    /// rethrown) when it throws.
    @discardableResult
    public func write<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { connection in
            try connection.transaction(.immediate, body)
        }
    }

    /// Releases the connection's unused page cache (`SQLiteConnection.releaseMemory`).
    public func releaseMemory() {
        connection.withLock { $0.releaseMemory() }
    }

    /// Closes the connection; later calls throw `StoreError.closed`. For an orderly shutdown: it waits
    /// for the call in progress, and the WAL is checkpointed as SQLite closes the last connection.
    public func close() {
        connection.withLock { $0.close() }
    }
}
