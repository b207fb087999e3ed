/// Tunables of the operation queue; `GET/PUT /1.0` config keys map onto these later.
public struct OperationsConfiguration: Sendable {
    /// Jobs running at once across queue keys (`operations.workers`).
    public var workers: Int = 8
    /// How long final operations stay readable (`operations.retention`, default 24 h).
    public var retentionMilliseconds: Int64 = 24 * 3_600_000
    /// At most this many final operations are kept, the newest.
    public var retentionCount: Int = 10_000
    /// A worker's claim on a job; renewed at a third of it. A job whose lease lapses is recovered.
    public var leaseMilliseconds: Int64 = 30_000
    /// How often deadlines and leases are checked.
    public var watchdogIntervalMilliseconds: Int64 = 1_000
    /// How often retention pruning runs.
    public var pruneIntervalMilliseconds: Int64 = 60_000
    /// Progress is stored at most this often per operation (live events are not throttled).
    public var progressStoreIntervalMilliseconds: Int64 = 500
    /// Idempotency keys are remembered this long.
    public var idempotencyMilliseconds: Int64 = 24 * 3_600_000

    public init() {}
}
