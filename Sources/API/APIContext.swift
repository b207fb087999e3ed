import Log
import Store

/// What handlers share: the database, the logger and the caches. Built once by `berthd`.
public final class APIContext: Sendable {
    public let database: Database
    public let logger: Logger
    public let serverInfo: ServerInfoCache

    public init(database: Database, logger: Logger, serverInfo: ServerInfoCache) {
        self.database = database
        self.logger = logger
        self.serverInfo = serverInfo
    }
}
