import JSON

/// One event as every subscriber receives it. `id` increases across the server's life (stored
/// events keep theirs across restarts), so `?since=<id>` can replay what a client missed.
public struct Event: Sendable {
    public let id: Int64
    public let type: EventType
    public let timestamp: Timestamp
    /// Nil for server-level events (LXD omits `project` then, and every subscriber gets them).
    public let project: String?
    /// The wire form, encoded once and shared by every subscriber and the store.
    public let body: [UInt8]

    public init(id: Int64, type: EventType, timestamp: Timestamp, project: String?, metadata: JSONValue) {
        self.id = id
        self.type = type
        self.timestamp = timestamp
        self.project = project
        body = Event.wire(id: id, type: type, timestamp: timestamp, project: project, metadata: metadata).encoded
    }

    /// The event `draft` becomes with its id and time: the same bytes as `init(id:type:…)`, built by
    /// splicing the draft's encoded metadata instead of encoding the whole object again.
    init(id: Int64, timestamp: Timestamp, draft: EventDraft) {
        self.id = id
        type = draft.type
        self.timestamp = timestamp
        project = draft.project
        var body: [UInt8] = []
        body.reserveCapacity(draft.encodedMetadata.count + 128)
        body += #"{"type":"#.utf8
        JSONValue.string(draft.type.rawValue).encode(into: &body)
        body += #","timestamp":""#.utf8
        timestamp.write(into: &body)
        body += #"","metadata":"#.utf8
        body += draft.encodedMetadata
        body += #","location":"none""#.utf8
        if let project = draft.project {
            body += #","project":"#.utf8
            JSONValue.string(project).encode(into: &body)
        }
        body += #","id":"#.utf8
        body += String(id).utf8
        body.append(UInt8(ascii: "}"))
        self.body = body
    }

    /// The metadata as a value, parsed from the wire form: only tests and rare readers ask for it.
    public var metadata: JSONValue { (try? JSONValue.parse(body))?["metadata"] ?? .null }

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
