import Observability
import Synchronization

/// What the queue has done since the process started, for `GET /1.0/metrics`: operations that ended,
/// by type and final status, and how long each step ran. Recorded once per step and once per end,
/// beside commits that cost far more, so a lock here costs nothing that shows.
public final class OperationMetrics: Sendable {
    /// A step of an operation type: one duration histogram each.
    public struct StepKey: Hashable, Sendable {
        public let type: String
        public let step: String
    }

    /// An operation type and a final status: one count each.
    public struct FinalKey: Hashable, Sendable {
        public let type: String
        public let status: OperationStatus
    }

    private struct State {
        var finals: [FinalKey: Int] = [:]
        var steps: [StepKey: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func countFinal(type: String, status: OperationStatus) {
        state.withLock { $0.finals[FinalKey(type: type, status: status), default: 0] += 1 }
    }

    func observeStep(type: String, step: String, nanoseconds: Int64) {
        let histogram = state.withLock { state in
            let key = StepKey(type: type, step: step)
            if let existing = state.steps[key] { return existing }
            let created = Histogram()
            state.steps[key] = created
            return created
        }
        histogram.observe(nanoseconds: Int(nanoseconds))
    }

    /// Ended operations by type and final status, in a stable order.
    public var finals: [(key: FinalKey, count: Int)] {
        state.withLock { $0.finals }.sorted { ($0.key.type, $0.key.status.code) < ($1.key.type, $1.key.status.code) }
            .map { (key: $0.key, count: $0.value) }
    }

    /// Step durations by type and step, in a stable order.
    public var steps: [(key: StepKey, durations: HistogramSnapshot)] {
        state.withLock { $0.steps }.sorted { ($0.key.type, $0.key.step) < ($1.key.type, $1.key.step) }
            .map { (key: $0.key, durations: $0.value.snapshot) }
    }
}
