import CSQLite

extension Statement {
    /// Binds `bindings` to parameters 1, 2, 3, …, runs the statement and returns every row mapped
    /// through `map`. The statement is reset before and after, so it can be reused (and does not keep a
    /// read transaction open).
    public func query<T>(
        _ bindings: [(any SQLiteValueConvertible)?] = [], _ map: (Row) throws -> T
    ) throws -> [T] {
        try prepareForRun()
        defer { reset() }
        try bind(bindings)
        return try collect(map)
    }

    /// `query` with named parameters.
    public func query<T>(named bindings: [String: (any SQLiteValueConvertible)?], _ map: (Row) throws -> T) throws
        -> [T]
    {
        try prepareForRun()
        defer { reset() }
        try bind(named: bindings)
        return try collect(map)
    }

    /// Binds `bindings` to parameters 1, 2, 3, …, runs the statement to completion (for `INSERT`,
    /// `UPDATE`, `DELETE`, DDL) and returns the number of rows it changed.
    @discardableResult
    public func run(_ bindings: [(any SQLiteValueConvertible)?] = []) throws -> Int {
        try prepareForRun()
        defer { reset() }
        try bind(bindings)
        return try stepToEnd()
    }

    /// `run` with named parameters.
    @discardableResult
    public func run(named bindings: [String: (any SQLiteValueConvertible)?]) throws -> Int {
        try prepareForRun()
        defer { reset() }
        try bind(named: bindings)
        return try stepToEnd()
    }

    /// Clears what a previous use left behind: a half-read result and old bindings (so a parameter
    /// not bound this time is NULL, not a stale value).
    private func prepareForRun() throws {
        _ = try liveHandles()
        reset()
        clearBindings()
    }

    private func collect<T>(_ map: (Row) throws -> T) throws -> [T] {
        var rows: [T] = []
        while try step() {
            rows.append(try map(row))
        }
        return rows
    }

    private func stepToEnd() throws -> Int {
        while try step() {}
        let (_, db) = try liveHandles()
        return Int(sqlite3_changes64(db))
    }
}
