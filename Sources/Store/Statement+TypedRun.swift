import CSQLite

extension Statement {
    /// Runs the statement to completion with parameters bound by type (see `ParameterBinder`) and
    /// returns the number of rows it changed. Reset before and after, like `run(_:)`.
    @discardableResult
    public func run(binding bind: (inout ParameterBinder) throws -> Void) throws -> Int {
        let (handle, db) = try liveHandles()
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        defer { sqlite3_reset(handle) }
        var binder = ParameterBinder(handle: handle, db: db, sql: sql)
        try bind(&binder)
        while true {
            let result = sqlite3_step(handle)
            if result == SQLITE_DONE { break }
            guard result == SQLITE_ROW else { throw StoreError.sqlite(result, db: db, sql: sql) }
        }
        return Int(sqlite3_changes64(db))
    }
}
