import Store

/// What a write sees inside the shared transaction: the connection, and a way to emit events that
/// are numbered, stored (when `stored`) and published only if this write commits.
public final class WriteTransaction {
    public let connection: SQLiteConnection
    /// Where the events go after the commit; asked whether anyone wants live-only ones.
    let events: EventBus?
    var drafts: [EventDraft] = []
    /// Set when a later write of the same batch rewrites the rows this one was queued to write
    /// (`StoreWriter.send(supersedable:)`): inside one transaction nobody can see the earlier state,
    /// so the write skips its row updates and keeps only its log lines and events.
    public internal(set) var rowsSuperseded = false

    init(connection: SQLiteConnection, events: EventBus?) {
        self.connection = connection
        self.events = events
    }

    public func emit(_ draft: EventDraft) { drafts.append(draft) }
}
