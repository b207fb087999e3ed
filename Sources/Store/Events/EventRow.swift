/// One stored event: its server-wide id and the exact JSON body sent to subscribers.
public struct EventRow: Sendable, Equatable {
    public var id: Int64
    public var type: String
    public var project: String?
    public var timestamp: Int64
    public var body: String

    public init(id: Int64, type: String, project: String?, timestamp: Int64, body: String) {
        self.id = id
        self.type = type
        self.project = project
        self.timestamp = timestamp
        self.body = body
    }
}
