/// One `operations` row as stored: wire values in columns, JSON kept as the exact text served.
public struct OperationRow: Sendable, Equatable {
    public var id: String
    /// Submission order across the server's life; jobs with one queue key run in this order.
    public var seq: Int64
    public var operationClass: String
    public var type: String
    public var description: String
    public var project: String
    public var statusCode: Int
    public var resources: String
    public var metadata: String
    public var mayCancel: Bool
    public var err: String
    public var errCode: Int
    public var requestor: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var finishedAt: Int64?

    public init(
        id: String, seq: Int64, operationClass: String, type: String, description: String, project: String,
        statusCode: Int, resources: String, metadata: String, mayCancel: Bool, err: String, errCode: Int,
        requestor: String?, createdAt: Int64, updatedAt: Int64, finishedAt: Int64?
    ) {
        self.id = id
        self.seq = seq
        self.operationClass = operationClass
        self.type = type
        self.description = description
        self.project = project
        self.statusCode = statusCode
        self.resources = resources
        self.metadata = metadata
        self.mayCancel = mayCancel
        self.err = err
        self.errCode = errCode
        self.requestor = requestor
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.finishedAt = finishedAt
    }

    static let columns =
        "id, seq, class, type, description, project, status_code, resources, metadata, may_cancel, err, err_code, "
        + "requestor, created_at, updated_at, finished_at"

    init(_ row: Row) {
        self.init(
            id: row.string(at: 0), seq: row.int64(at: 1), operationClass: row.string(at: 2), type: row.string(at: 3),
            description: row.string(at: 4), project: row.string(at: 5), statusCode: row.int(at: 6),
            resources: row.string(at: 7), metadata: row.string(at: 8), mayCancel: row.bool(at: 9),
            err: row.string(at: 10), errCode: row.int(at: 11), requestor: row.optionalString(at: 12),
            createdAt: row.int64(at: 13), updatedAt: row.int64(at: 14), finishedAt: row.optionalInt64(at: 15))
    }
}
