import JSON
import Log
import Store
import Synchronization

/// The durable operation queue (DESIGN.md "Operations and the job queue"): operations are rows before
/// `submit` returns, jobs with one queue key run in order and keys run in parallel up to `workers`,
/// every step is recorded before it runs, deadlines and leases end what hangs, and `start()` recovers
/// what a crash interrupted.
public final class OperationManager: Sendable {
    let registry: OperationRegistry
    private let settings: Mutex<OperationsConfiguration>
    let logger: Logger
    public let events: EventBus
    let writer: StoreWriter
    let reader: Database
    /// This process's lease owner name; a lease held by another name belongs to another (dead) worker.
    let owner: String
    let state: Mutex<State>
    let nextSeq: Atomic<Int64>
    /// Ended operations and step durations since start, for `GET /1.0/metrics`.
    public let metrics = OperationMetrics()

    /// In-memory state of the operations that are not final, and of the scheduler.
    struct State {
        var live: [String: LiveOperation] = [:]
        /// Waiting jobs by queue key, each list in submission order.
        var queues: [String: KeyQueue] = [:]
        /// Keys with waiting jobs and nothing running, in the order they became ready: the next job
        /// to start is the head of the first key here. O(1) per job, whatever the backlog.
        var readyKeys: [String] = []
        /// As `readyKeys`, for keys whose next job takes no worker slot (websocket operations).
        var readyUnboundedKeys: [String] = []
        var busyKeys: Set<String> = []
        /// Running jobs that take a worker slot.
        var running = 0
        /// Running jobs that take none; shutdown waits for them too.
        var runningUnbounded = 0
        var accepting = true
        var started = false
        var waiters: [String: [Waiter]] = [:]
        var nextWaiterID = 0
        var maintenance: [Task<Void, Never>] = []
    }

    struct LiveOperation {
        var operation: Operation
        var job: JobRow
        var definition: OperationDefinition
        var stepTask: Task<Void, Never>?
        /// Resolved by the step, or by the watchdog when the step's deadline passes.
        var stepOutcome: OneShot<StepOutcome>?
        var cancelRequested = false
        var lastStoredProgress: Int64 = 0
        /// Set when a deadline or lost lease ended the operation while its step task still runs.
        var abandoned = false
        /// The operation as it was before `finish` made it final, kept until the final record is
        /// committed: readers must not see an end that a crash could still undo.
        var beforeFinal: Operation?

        /// What readers see: the last state that is durable or may safely be shown before it is.
        var readable: Operation { beforeFinal ?? operation }
    }

    struct Waiter {
        let id: Int
        /// Nil: wake only when final. Otherwise wake on any change after this time.
        let changedAfter: Timestamp?
        let continuation: CheckedContinuation<Void, Never>
    }

    /// Opens the store at `path` (migrating it) and prepares the queue; call `start()` to recover and run.
    public init(
        path: String, registry: OperationRegistry, configuration: OperationsConfiguration = .init(),
        events: EventBus = EventBus(), logger: Logger
    ) throws {
        self.registry = registry
        settings = Mutex(configuration)
        self.logger = logger
        self.events = events
        writer = try StoreWriter(path: path, events: events, logger: logger)
        reader = try Database.open(path: path)
        owner = "berthd-" + OperationID.make()
        state = Mutex(State())
        nextSeq = Atomic(try reader.read { try $0.maxOperationSeq() } + 1)
    }

    /// Recovers interrupted operations, then starts scheduling, the watchdog and pruning.
    public func start() async throws {
        guard
            state.withLock({ state -> Bool in
                defer { state.started = true }
                return !state.started
            })
        else { return }
        try await recover()
        startMaintenance()
        pump()
    }

    // MARK: Reading

    /// The operation as it is now: live state first, then the store.
    public func operation(id: String) throws -> Operation? {
        if let live = state.withLock({ $0.live[id]?.readable }) { return live }
        guard OperationID.isValid(id) else { return nil }
        return try reader.read { try $0.operation(id: id) }.map(Operation.init(row:))
    }

    /// Operations matching `query` in submission order, with live state overlaid on stored rows.
    public func operations(_ query: OperationQuery) throws -> [Operation] {
        let rows = try reader.read { try $0.operations(query) }
        let live = state.withLock { $0.live.mapValues(\.readable) }
        return rows.map { row in
            if let current = live[row.id], query.statusCodes.map({ $0.contains(current.status.code) }) ?? true {
                return current
            }
            return Operation(row: row)
        }
    }

    /// The operation's log lines, oldest first; nil for an unknown id.
    public func log(id: String) throws -> [OperationLogRow]? {
        guard try operation(id: id) != nil else { return nil }
        return try reader.read { try $0.log(operationID: id) }
    }

    /// The tunables in force; `reconfigure` changes them while the queue runs.
    public var configuration: OperationsConfiguration { settings.withLock { $0 } }

    /// Applies new tunables at once (server config `operations.*`): more workers start waiting jobs
    /// now, fewer let running jobs finish; retention applies from the next pruning.
    public func reconfigure(_ change: (inout OperationsConfiguration) -> Void) {
        settings.withLock { change(&$0) }
        pump()
    }

    public var runningCount: Int { state.withLock { $0.running } }
    public var queuedCount: Int { state.withLock { $0.queues.values.reduce(0) { $0 + $1.count } } }
}
