/// One `jobs` row: the work of an operation that is not final yet.
public struct JobRow: Sendable, Equatable {
    public var operationID: String
    public var seq: Int64
    /// Jobs with the same key run one at a time in `seq` order (e.g. `instance/default/web1`).
    public var queueKey: String
    /// The operation type's input, as JSON text.
    public var payload: String
    /// 1 for the first run; recovery re-queues an idempotent step with `attempt + 1`.
    public var attempt: Int
    /// The step the job is in (index into its operation type's steps).
    public var stepIndex: Int
    /// Whether that step has begun executing (committed before it runs, so a crash is detectable).
    public var stepStarted: Bool
    public var stepDeadline: Int64?
    public var leaseOwner: String?
    public var leaseExpires: Int64?

    public init(
        operationID: String, seq: Int64, queueKey: String, payload: String, attempt: Int = 1, stepIndex: Int = 0,
        stepStarted: Bool = false, stepDeadline: Int64? = nil, leaseOwner: String? = nil, leaseExpires: Int64? = nil
    ) {
        self.operationID = operationID
        self.seq = seq
        self.queueKey = queueKey
        self.payload = payload
        self.attempt = attempt
        self.stepIndex = stepIndex
        self.stepStarted = stepStarted
        self.stepDeadline = stepDeadline
        self.leaseOwner = leaseOwner
        self.leaseExpires = leaseExpires
    }

    static let columns =
        "operation_id, seq, queue_key, payload, attempt, step_index, step_started, step_deadline, lease_owner, "
        + "lease_expires"

    init(_ row: Row) {
        self.init(
            operationID: row.string(at: 0), seq: row.int64(at: 1), queueKey: row.string(at: 2),
            payload: row.string(at: 3), attempt: row.int(at: 4), stepIndex: row.int(at: 5),
            stepStarted: row.bool(at: 6), stepDeadline: row.optionalInt64(at: 7), leaseOwner: row.optionalString(at: 8),
            leaseExpires: row.optionalInt64(at: 9))
    }
}
