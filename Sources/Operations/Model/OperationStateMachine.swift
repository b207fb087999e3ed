/// The legal status transitions of an operation, as a value (NIO's `…StateMachine` style):
///
/// ```
/// Pending ──start──▶ Running ──succeed──▶ Success
///    │                 │  └────fail─────▶ Failure
///    │                 └─cancel (cancellable step)─▶ Cancelling ──▶ Cancelled
///    └──cancel (still queued)──────────────────────────────────────▶ Cancelled
/// ```
///
/// A step may still end on its own while Cancelling (success or failure wins if it finished first);
/// recovery may send Running or Cancelling back to Pending for another attempt.
public struct OperationStateMachine: Sendable, Equatable {
    public private(set) var status: OperationStatus

    public init(status: OperationStatus = .pending) { self.status = status }

    /// Why a transition was refused; the cases carry LXD's error texts where a client sees them.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case notRunning
        case notCancellable
        case illegal(from: OperationStatus, to: OperationStatus)

        public var description: String {
            switch self {
            case .notRunning: "Only running operations can be cancelled"
            case .notCancellable: "This operation can't be cancelled"
            case .illegal(let from, let to): "Operation cannot go from \(from.name) to \(to.name)"
            }
        }
    }

    /// What a cancel request did.
    public enum CancelOutcome: Sendable, Equatable {
        /// It was queued: it is Cancelled now and its job is dropped.
        case cancelledWhileQueued
        /// It was running a cancellable step: it is Cancelling until the step stops.
        case cancelling
        /// A cancel was already under way.
        case alreadyCancelling
    }

    public mutating func start() throws(Refusal) {
        guard status == .pending else { throw .illegal(from: status, to: .running) }
        status = .running
    }

    public mutating func requestCancel(currentStepCancellable: Bool) throws(Refusal) -> CancelOutcome {
        switch status {
        case .pending:
            status = .cancelled
            return .cancelledWhileQueued
        case .running:
            guard currentStepCancellable else { throw .notCancellable }
            status = .cancelling
            return .cancelling
        case .cancelling:
            return .alreadyCancelling
        case .success, .failure, .cancelled:
            throw .notRunning
        }
    }

    public mutating func succeed() throws(Refusal) {
        guard status == .running || status == .cancelling else { throw .illegal(from: status, to: .success) }
        status = .success
    }

    /// Failure is reachable from every non-final status: deadlines, lost leases and restarts can end
    /// an operation wherever it is.
    public mutating func fail() throws(Refusal) {
        guard !status.isFinal else { throw .illegal(from: status, to: .failure) }
        status = .failure
    }

    public mutating func finishCancelling() throws(Refusal) {
        guard status == .cancelling else { throw .illegal(from: status, to: .cancelled) }
        status = .cancelled
    }

    /// Recovery re-queues an interrupted operation whose step may safely run again.
    public mutating func requeue() throws(Refusal) {
        guard !status.isFinal else { throw .illegal(from: status, to: .pending) }
        status = .pending
    }
}
