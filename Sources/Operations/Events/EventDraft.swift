import JSON

/// An event before it has an id: ids are given in commit order by the operation store's writer, so
/// live delivery, storage and replay all agree on one order.
public struct EventDraft: Sendable {
    public let type: EventType
    public let project: String?
    /// The metadata in its wire form, encoded where the draft is made: the store's single writer
    /// thread only splices it into the event (`Event.init(id:timestamp:draft:)`).
    let encodedMetadata: [UInt8]
    /// Whether the event is kept for replay. Operation state changes and lifecycle events are;
    /// logging events and intermediate progress updates are live only.
    public let stored: Bool

    public init(type: EventType, project: String?, metadata: JSONValue, stored: Bool) {
        self.init(type: type, project: project, encodedMetadata: metadata.encoded, stored: stored)
    }

    /// A draft whose metadata is already encoded (an operation's `encodedJSON`).
    public init(type: EventType, project: String?, encodedMetadata: [UInt8], stored: Bool) {
        self.type = type
        self.project = project
        self.encodedMetadata = encodedMetadata
        self.stored = stored
    }

    /// The metadata as a value, parsed again: only tests and rare readers ask for it.
    public var metadata: JSONValue { (try? JSONValue.parse(encodedMetadata)) ?? .null }
}
