import Log
import Operations
import Store

/// What handlers share: the database, the logger and the caches. Built once by `berthd`.
public final class APIContext: Sendable {
    public let database: Database
    public let logger: Logger
    public let serverInfo: ServerInfoCache
    public let operations: OperationManager

    /// Committed events for `GET /1.0/events`: the bus the operation store's writer publishes to.
    public var events: EventBus { operations.events }

    public init(database: Database, logger: Logger, serverInfo: ServerInfoCache, operations: OperationManager) {
        self.database = database
        self.logger = logger
        self.serverInfo = serverInfo
        self.operations = operations
    }
}
