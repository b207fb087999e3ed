extension SQLiteConnection {
    /// Runs `body` in a transaction: `COMMIT` when it returns, `ROLLBACK` when it throws, in which case
    /// the error `body` threw is rethrown unchanged.
    ///
    /// Transactions nest: called while a transaction is already open, it uses a `SAVEPOINT`, so a
    /// failing inner body undoes only its own changes and the outer transaction carries on (`kind`
    /// applies only to the outermost level). A lock that cannot be taken within the busy timeout
    /// throws `StoreError.sqlite` with code `SQLITE_BUSY` before `body` runs.
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: (SQLiteConnection) throws -> T) throws
        -> T
    {
        if isInTransaction {
            return try savepoint(body)
        }
        try execute(kind.beginSQL)
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackIgnoringErrors("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            // A failed COMMIT leaves the transaction open; end it so the connection stays usable.
            rollbackIgnoringErrors("ROLLBACK")
            throw error
        }
        return value
    }

    private func savepoint<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "berth_savepoint_\(savepointDepth)"
        // Prepared once per depth: the operation store opens a savepoint for every write it batches.
        try cached("SAVEPOINT \(name)").run()
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackIgnoringErrors("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
        try cached("RELEASE \(name)").run()
        return value
    }

    /// Some errors (`SQLITE_FULL`, `SQLITE_IOERR`, …) make SQLite roll back by itself; a second
    /// rollback would then fail with "no transaction is active" and hide the error that matters.
    private func rollbackIgnoringErrors(_ sql: String) {
        guard isInTransaction else { return }
        try? execute(sql)
    }
}
