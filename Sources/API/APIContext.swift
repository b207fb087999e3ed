import Images
import Instances
import Log
import Operations
import Store

/// What handlers share: the database, the logger and the caches. Built once by `berthd`.
public final class APIContext: Sendable {
    public let database: Database
    public let logger: Logger
    public let serverInfo: ServerInfoCache
    public let operations: OperationManager
    /// The local image store; nil in contexts that serve no images (some tests).
    public let images: ImageStore?
    /// Instances; nil in contexts that serve none (some tests).
    public let instances: InstanceService?
    /// Lifecycle events of changes made outside operations (aliases).
    public let lifecycle: LifecycleEmitter
    /// Trusted certificates and API tokens, cached for the request path.
    public let trust: TrustStore
    /// The `core.https_address` listener, moved live when the configuration changes.
    public let httpsListener = HTTPSListener()
    /// Requests by route and status; the responder counts, `GET /1.0/metrics` reads.
    public let httpMetrics = HTTPMetrics()

    /// Committed events for `GET /1.0/events`: the bus the operation store's writer publishes to.
    public var events: EventBus { operations.events }

    public init(
        database: Database, logger: Logger, serverInfo: ServerInfoCache, operations: OperationManager,
        images: ImageStore? = nil, instances: InstanceService? = nil, lifecycle: LifecycleEmitter = LifecycleEmitter()
    ) {
        self.database = database
        self.logger = logger
        self.serverInfo = serverInfo
        self.operations = operations
        self.images = images
        self.instances = instances
        self.lifecycle = lifecycle
        trust = TrustStore(database: database)
        lifecycle.attach(operations)
    }
}
