/// The current row of a `Statement`, as passed to `query` mapping closures. It reads straight from
/// the statement, so it is valid only inside the closure, until the next `step()`; copy the values
/// out rather than keeping the row.
public struct Row {
    let statement: Statement

    public var columnCount: Int { statement.columnCount }
    public func columnName(at index: Int) -> String { statement.columnName(at: index) }
    public func isNull(at index: Int) -> Bool { statement.isNull(at: index) }
    public func int64(at index: Int) -> Int64 { statement.int64(at: index) }
    public func int(at index: Int) -> Int { statement.int(at: index) }
    public func bool(at index: Int) -> Bool { statement.bool(at: index) }
    public func double(at index: Int) -> Double { statement.double(at: index) }
    public func string(at index: Int) -> String { statement.string(at: index) }
    public func blob(at index: Int) -> [UInt8] { statement.blob(at: index) }

    /// `nil` for NULL, otherwise the column as text; for nullable text columns.
    public func optionalString(at index: Int) -> String? {
        statement.isNull(at: index) ? nil : statement.string(at: index)
    }

    /// `nil` for NULL, otherwise the column as an integer; for nullable integer columns.
    public func optionalInt64(at index: Int) -> Int64? {
        statement.isNull(at: index) ? nil : statement.int64(at: index)
    }
}
