import JSON
import Operations
import Synchronization

/// Emits lifecycle events through the operation manager once it exists.
public final class LifecycleEmitter: Sendable {
    private let manager = Mutex<OperationManager?>(nil)

    public init() {}

    public func attach(_ operations: OperationManager) { manager.withLock { $0 = operations } }

    public func emit(action: String, source: String, context: JSONValue?, requestor: Requestor?) async {
        guard let operations = manager.withLock({ $0 }) else { return }
        await operations.emitLifecycle(action: action, source: source, context: context, requestor: requestor)
    }
}
