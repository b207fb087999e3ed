import CSQLite

/// Binds parameters 1, 2, 3, … of a statement by their Swift type, straight to SQLite.
///
/// The array-of-existentials form (`run([a, b, c])`) allocates an array, boxes every value and looks
/// the connection up again per parameter; the job queue's writer runs a dozen statements per
/// operation, where that was a tenth of its time. Text is copied by SQLite (`SQLITE_TRANSIENT`).
public struct ParameterBinder: ~Copyable {
    let handle: OpaquePointer
    let db: OpaquePointer
    let sql: String
    private var index: Int32 = 1

    init(handle: OpaquePointer, db: OpaquePointer, sql: String) {
        self.handle = handle
        self.db = db
        self.sql = sql
    }

    public mutating func bind(_ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public mutating func bind(_ value: Int) throws { try bind(Int64(value)) }

    public mutating func bind(_ value: Bool) throws { try bind(Int64(value ? 1 : 0)) }

    public mutating func bind(_ value: Int64?) throws {
        if let value { try bind(value) } else { try bindNull() }
    }

    public mutating func bind(_ value: String) throws {
        var text = value
        let result = text.withUTF8 { bytes in Self.bindText(handle, index, bytes) }
        try check(result)
    }

    public mutating func bind(_ value: String?) throws {
        if let value { try bind(value) } else { try bindNull() }
    }

    /// UTF-8 bytes bound as TEXT (an encoded JSON body), without making a `String` of them first.
    public mutating func bind(utf8 bytes: [UInt8]) throws {
        let result = bytes.withUnsafeBufferPointer { Self.bindText(handle, index, $0) }
        try check(result)
    }

    public mutating func bindNull() throws {
        try check(sqlite3_bind_null(handle, index))
    }

    private mutating func check(_ result: Int32) throws {
        guard result == SQLITE_OK else { throw StoreError.sqlite(result, db: db, sql: sql) }
        index += 1
    }

    private static func bindText(_ handle: OpaquePointer, _ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>)
        -> Int32
    {
        // A nil pointer would bind NULL; an empty string must stay ''.
        guard let pointer = bytes.baseAddress, bytes.count > 0 else {
            return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
        }
        return pointer.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
            sqlite3_bind_text64(handle, index, characters, UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
        }
    }
}
