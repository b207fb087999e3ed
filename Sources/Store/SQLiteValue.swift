/// One SQLite value, by storage class (https://sqlite.org/datatype3.html §2). Every binding goes
/// through this enum so there is exactly one place that talks to `sqlite3_bind_*`.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}
