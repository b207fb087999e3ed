/// Why the operation queue refused a request; the API maps each to its status and LXD text.
public enum OperationsError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound
    case unknownType(String)
    /// Cancel refused: LXD's `This operation can't be cancelled` / `Only running operations can be cancelled`.
    case cancelRefused(OperationStateMachine.Refusal)
    /// The same `Idempotency-Key` came with a different request.
    case idempotencyConflict(key: String)
    case shuttingDown

    public var description: String {
        switch self {
        case .notFound: "Operation not found"
        case .unknownType(let type): "Unknown operation type \"\(type)\""
        case .cancelRefused(let refusal): refusal.description
        case .idempotencyConflict(let key):
            "Idempotency-Key \"\(key)\" was already used for a different request"
        case .shuttingDown: "Berth is shutting down"
        }
    }
}
