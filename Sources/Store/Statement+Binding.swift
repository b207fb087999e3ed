import CSQLite

extension Statement {
    /// Binds `value` to the parameter at the 1-based `index` (`?` or `?NNN` or a named parameter's
    /// position). `nil` binds NULL. Text and blobs are copied by SQLite (`SQLITE_TRANSIENT`), so the
    /// Swift values need not outlive the call.
    public func bind(_ value: (any SQLiteValueConvertible)?, at index: Int) throws {
        let (handle, db) = try liveHandles()
        let position = Int32(clamping: index)
        let result: Int32
        switch value?.sqliteValue ?? .null {
        case .integer(let integer):
            result = sqlite3_bind_int64(handle, position, integer)
        case .real(let real):
            result = sqlite3_bind_double(handle, position, real)
        case .text(var text):
            // withUTF8 gives the exact byte count, so text with embedded NUL bytes is kept whole.
            result = text.withUTF8 { bytes in
                // A nil pointer would bind NULL; an empty string must stay ''.
                guard let pointer = bytes.baseAddress, bytes.count > 0 else {
                    return sqlite3_bind_text(handle, position, "", 0, csqlite_transient())
                }
                return pointer.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                    sqlite3_bind_text64(
                        handle, position, characters, UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            result = bytes.withUnsafeBytes { buffer in
                // A nil pointer would bind NULL; an empty array must stay an empty BLOB.
                guard let pointer = buffer.baseAddress, buffer.count > 0 else {
                    return sqlite3_bind_zeroblob(handle, position, 0)
                }
                return sqlite3_bind_blob64(handle, position, pointer, UInt64(buffer.count), csqlite_transient())
            }
        case .null:
            result = sqlite3_bind_null(handle, position)
        }
        guard result == SQLITE_OK else { throw StoreError.sqlite(result, db: db, sql: sql) }
    }

    /// Binds `value` to the named parameter `name` (`:name`, `@name` or `$name`; a bare `name` means
    /// `:name`). Throws when the statement has no parameter of that name, so a typo is not silently NULL.
    public func bind(_ value: (any SQLiteValueConvertible)?, named name: String) throws {
        let (handle, _) = try liveHandles()
        let parameter = name.first.map { ":@$".contains($0) } == true ? name : ":" + name
        let index = sqlite3_bind_parameter_index(handle, parameter)
        guard index > 0 else {
            throw StoreError.sqlite(
                code: SQLITE_RANGE, extendedCode: SQLITE_RANGE, message: "no parameter named \(parameter)", sql: sql)
        }
        try bind(value, at: Int(index))
    }

    /// Binds `values` to parameters 1, 2, 3, … in order.
    public func bind(_ values: [(any SQLiteValueConvertible)?]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Binds each value to the parameter with its name.
    public func bind(named values: [String: (any SQLiteValueConvertible)?]) throws {
        for (name, value) in values {
            try bind(value, named: name)
        }
    }
}
