/// How a transaction takes its locks (https://sqlite.org/lang_transaction.html).
public enum TransactionKind: Sendable {
    /// Takes no lock until the first read or write. A read transaction that later writes can fail with
    /// `SQLITE_BUSY` at once, whatever the busy timeout, if another connection wrote in between; use it
    /// only for reads.
    case deferred
    /// Takes the write lock at `BEGIN`, waiting up to the busy timeout for it. The right choice for any
    /// transaction that writes: it either gets the lock up front or fails before doing any work.
    case immediate
    /// Like `immediate`; in WAL mode SQLite treats the two the same.
    case exclusive

    var beginSQL: String {
        switch self {
        case .deferred: "BEGIN DEFERRED"
        case .immediate: "BEGIN IMMEDIATE"
        case .exclusive: "BEGIN EXCLUSIVE"
        }
    }
}
