import JSON

/// An operation as clients see it (LXD's `api.Operation`) plus what the queue needs to run it.
public struct Operation: Sendable, Equatable {
    public let id: String
    /// Submission order; jobs with one queue key run in this order.
    public let seq: Int64
    public let operationClass: OperationClass
    /// The registered operation type (e.g. `instance.start`); not on LXD's wire object.
    public let type: String
    public let description: String
    public let project: String
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var status: OperationStatus
    /// Resource kind → URLs (`{"instances": ["/1.0/instances/web1"]}`).
    public var resources: [String: [String]]
    /// Operation-specific data; an object.
    public var metadata: JSONValue
    public var mayCancel: Bool
    public var err: String
    /// HTTP-like code of the failure (LXD main's `err_code`); 0 unless failed.
    public var errCode: Int
    public var requestor: Requestor?
    public var finishedAt: Timestamp?

    public init(
        id: String, seq: Int64, operationClass: OperationClass, type: String, description: String, project: String,
        createdAt: Timestamp, updatedAt: Timestamp, status: OperationStatus, resources: [String: [String]],
        metadata: JSONValue, mayCancel: Bool, err: String, errCode: Int, requestor: Requestor?, finishedAt: Timestamp?
    ) {
        self.id = id
        self.seq = seq
        self.operationClass = operationClass
        self.type = type
        self.description = description
        self.project = project
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.status = status
        self.resources = resources
        self.metadata = metadata
        self.mayCancel = mayCancel
        self.err = err
        self.errCode = errCode
        self.requestor = requestor
        self.finishedAt = finishedAt
    }

    public var url: String { "/1.0/operations/\(id)" }

    /// The wire object in LXD's field order, then our additions `err_code` and `requestor`.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("class", .string(operationClass.rawValue)),
            ("description", .string(description)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
            ("status", .string(status.name)),
            ("status_code", .int(status.code)),
            ("resources", Operation.resourcesJSON(resources)),
            ("metadata", metadata),
            ("may_cancel", .bool(mayCancel)),
            ("err", .string(err)),
            ("location", .string("none")),
            ("err_code", .int(errCode)),
        ]
        if let requestor { members.append(("requestor", requestor.json)) }
        return .object(members)
    }

    /// `null` when there are none, as LXD sends; keys sorted as Go marshals maps.
    static func resourcesJSON(_ resources: [String: [String]]) -> JSONValue {
        guard !resources.isEmpty else { return .null }
        return .object(resources.sorted { $0.key < $1.key }.map { ($0.key, .strings($0.value)) })
    }
}
