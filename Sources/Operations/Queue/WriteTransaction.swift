import Store

/// What a write sees inside the shared transaction: the connection, and a way to emit events that
/// are numbered, stored (when `stored`) and published only if this write commits.
public final class WriteTransaction {
    public let connection: SQLiteConnection
    var drafts: [EventDraft] = []

    init(connection: SQLiteConnection) { self.connection = connection }

    public func emit(_ draft: EventDraft) { drafts.append(draft) }
}
