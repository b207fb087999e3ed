import CSQLite

/// Column accessors for the current row, by 0-based index. They follow SQLite's conversions
/// (https://sqlite.org/c3ref/column_blob.html): NULL reads as 0, 0.0, "" or [], so check `isNull(at:)`
/// where NULL means something. Valid only after `step()` returned `true`.
extension Statement {
    /// The number of columns in each result row.
    public var columnCount: Int { Int(sqlite3_column_count(rowHandle)) }

    /// The name of the column at `index` (its `AS` alias when it has one).
    public func columnName(at index: Int) -> String {
        sqlite3_column_name(rowHandle, Int32(clamping: index)).map { String(cString: $0) } ?? ""
    }

    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(rowHandle, Int32(clamping: index)) == SQLITE_NULL
    }

    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(rowHandle, Int32(clamping: index))
    }

    public func int(at index: Int) -> Int {
        Int(truncatingIfNeeded: int64(at: index))
    }

    /// Non-zero integers read as `true`, matching how `Bool` is bound.
    public func bool(at index: Int) -> Bool {
        int64(at: index) != 0
    }

    public func double(at index: Int) -> Double {
        sqlite3_column_double(rowHandle, Int32(clamping: index))
    }

    /// The column as UTF-8 text, including any embedded NUL bytes (the length comes from SQLite,
    /// not from a terminator).
    public func string(at index: Int) -> String {
        let handle = rowHandle
        let column = Int32(clamping: index)
        // Text first, then the byte count: the order sqlite3_column_bytes documents.
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func blob(at index: Int) -> [UInt8] {
        let handle = rowHandle
        let column = Int32(clamping: index)
        // A zero-length BLOB comes back as a nil pointer, the same as NULL: both read as [].
        guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The current row as a value to hand to mapping closures.
    public var row: Row { Row(statement: self) }
}
