/// Filters for listing operations; nil means "any".
public struct OperationQuery: Sendable, Equatable {
    public var statusCodes: [Int]?
    public var type: String?
    /// Matches operations with this URL among their resources.
    public var resource: String?
    /// Operations updated at or after this time (ns since the epoch).
    public var updatedSince: Int64?
    public var project: String?
    public var limit: Int?
    public var offset: Int

    public init(
        statusCodes: [Int]? = nil, type: String? = nil, resource: String? = nil, updatedSince: Int64? = nil,
        project: String? = nil, limit: Int? = nil, offset: Int = 0
    ) {
        self.statusCodes = statusCodes
        self.type = type
        self.resource = resource
        self.updatedSince = updatedSince
        self.project = project
        self.limit = limit
        self.offset = offset
    }
}
