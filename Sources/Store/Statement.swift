import CSQLite

/// A compiled SQL statement (`sqlite3_stmt`). Bind parameters, `step()` through the rows, `reset()`
/// to run it again. Like its connection it has one owner at a time and is not `Sendable`.
///
/// A statement that has been stepped but not reset keeps a read transaction open, which in WAL mode
/// stops checkpoints from finishing; `query` and `run` therefore always reset when they are done.
public final class Statement {
    /// The SQL text the statement was compiled from (the statement cache key).
    public let sql: String

    /// `nil` once finalized (the connection closed).
    private(set) var handle: OpaquePointer?

    /// Weak so that the connection's statement cache does not form a cycle; also lets a statement
    /// detect that its connection is gone instead of touching freed memory.
    private weak var connection: SQLiteConnection?

    init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { finalize() }

    /// Advances to the next row: `true` when a row is available (read it with the column accessors
    /// or `row`), `false` when the statement has finished. Throws `StoreError.sqlite` on failure,
    /// e.g. `SQLITE_BUSY` once the busy timeout has passed, or a constraint violation.
    public func step() throws -> Bool {
        let (handle, db) = try liveHandles()
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw StoreError.sqlite(result, db: db, sql: sql)
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept. Never fails: the error of the
    /// last `step()` that `sqlite3_reset` repeats has already been thrown by that `step()`.
    public func reset() {
        guard let handle else { return }
        sqlite3_reset(handle)
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        guard let handle else { return }
        sqlite3_clear_bindings(handle)
    }

    /// Whether the statement has been stepped and not yet finished or reset.
    var isBusy: Bool {
        handle.map { sqlite3_stmt_busy($0) != 0 } ?? false
    }

    func finalize() {
        guard let handle else { return }
        self.handle = nil
        sqlite3_finalize(handle)
    }

    /// The statement and its connection, or `StoreError.closed` when either is gone.
    func liveHandles() throws -> (statement: OpaquePointer, db: OpaquePointer) {
        guard let handle, let db = connection?.handle else { throw StoreError.closed }
        return (handle, db)
    }

    /// The statement for the column accessors, which are only valid on a row of a live statement.
    var rowHandle: OpaquePointer {
        guard let handle else { preconditionFailure("column read from a finalized statement: \(sql)") }
        return handle
    }
}

/// A statement has one owner at a time, like its connection.
@available(*, unavailable)
extension Statement: Sendable {}
