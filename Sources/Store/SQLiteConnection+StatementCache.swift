/// Statement reuse. Compiling SQL costs more than running a small statement, and the job queue runs
/// the same few statements thousands of times, so each connection keeps its compiled statements.
extension SQLiteConnection {
    /// The compiled statement for `sql`, prepared on first use and kept until `close()`. It comes back
    /// reset with its bindings cleared.
    ///
    /// Use it for SQL written in the code: the cache is keyed by the exact text and never evicts, so
    /// SQL built from input would grow it without bound. If the cached statement is still in use (a
    /// query over the same SQL running inside another's row loop), a fresh uncached one is returned.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql], statement.handle != nil {
            guard !statement.isBusy else { return try prepare(sql) }
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs `sql` (cached) with `bindings` for parameters 1, 2, 3, … and returns the rows mapped
    /// through `map`.
    public func query<T>(
        _ sql: String, _ bindings: [(any SQLiteValueConvertible)?] = [], _ map: (Row) throws -> T
    ) throws -> [T] {
        try cached(sql).query(bindings, map)
    }

    /// Runs `sql` (cached) with `bindings` for parameters 1, 2, 3, … and returns the number of rows
    /// it changed.
    @discardableResult
    public func run(_ sql: String, _ bindings: [(any SQLiteValueConvertible)?] = []) throws -> Int {
        try cached(sql).run(bindings)
    }
}
