/// Stored events, for replay with `?since=<id>` / `Last-Event-ID`.
extension SQLiteConnection {
    public func insertEvent(_ event: EventRow) throws {
        try insertEvent(
            id: event.id, type: event.type, project: event.project, timestamp: event.timestamp,
            body: Array(event.body.utf8))
    }

    /// `insertEvent` with the body as the encoded bytes the writer already has.
    public func insertEvent(id: Int64, type: String, project: String?, timestamp: Int64, body: [UInt8]) throws {
        try cached("INSERT INTO events (id, type, project, timestamp, body) VALUES (?, ?, ?, ?, ?)").run { binder in
            try binder.bind(id)
            try binder.bind(type)
            try binder.bind(project)
            try binder.bind(timestamp)
            try binder.bind(utf8: body)
        }
    }

    /// Events with an id above `id`, oldest first, at most `limit`.
    public func events(after id: Int64, limit: Int) throws -> [EventRow] {
        try cached("SELECT id, type, project, timestamp, body FROM events WHERE id > ? ORDER BY id LIMIT ?")
            .query([id, limit]) {
                EventRow(
                    id: $0.int64(at: 0), type: $0.string(at: 1), project: $0.optionalString(at: 2),
                    timestamp: $0.int64(at: 3), body: $0.string(at: 4))
            }
    }

    public func maxEventID() throws -> Int64 {
        try query("SELECT COALESCE(MAX(id), 0) FROM events", []) { $0.int64(at: 0) }.first ?? 0
    }

    @discardableResult
    public func pruneEvents(before timestamp: Int64) throws -> Int {
        // Ids follow commit order and so time: everything below the first id at or after the cutoff
        // is older. Finding it scans only the rows about to be deleted.
        try run(
            """
            DELETE FROM events WHERE id < COALESCE(
                (SELECT id FROM events WHERE timestamp >= ?1 ORDER BY id LIMIT 1),
                (SELECT MAX(id) + 1 FROM events))
            """, [timestamp])
    }
}
