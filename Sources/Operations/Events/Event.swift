import JSON

/// One event as every subscriber receives it. `id` increases across the server's life (stored
/// events keep theirs across restarts), so `?since=<id>` can replay what a client missed.
public struct Event: Sendable {
    public let id: Int64
    public let type: EventType
    public let timestamp: Timestamp
    /// Nil for server-level events (LXD omits `project` then, and every subscriber gets them).
    public let project: String?
    public let metadata: JSONValue
    /// The wire form, encoded once and shared by every subscriber and the store.
    public let body: [UInt8]

    public init(id: Int64, type: EventType, timestamp: Timestamp, project: String?, metadata: JSONValue) {
        self.id = id
        self.type = type
        self.timestamp = timestamp
        self.project = project
        self.metadata = metadata
        body = Event.wire(id: id, type: type, timestamp: timestamp, project: project, metadata: metadata).encoded
    }

    /// LXD's `api.Event` field order (`type, timestamp, metadata, location, project`), then our `id`,
    /// which LXD clients ignore.
    static func wire(id: Int64, type: EventType, timestamp: Timestamp, project: String?, metadata: JSONValue)
        -> JSONValue
    {
        var members: [(String, JSONValue)] = [
            ("type", .string(type.rawValue)),
            ("timestamp", .string(timestamp.description)),
            ("metadata", metadata),
            ("location", .string("none")),
        ]
        if let project { members.append(("project", .string(project))) }
        members.append(("id", .int(Int(id))))
        return .object(members)
    }
}
