import JSON
import Store

extension OperationManager: StepReporter {
    /// Progress reaches events at once; the stored copy is written at most every
    /// `progressStoreIntervalMilliseconds` (the final write stores the last state anyway).
    func progress(_ operationID: String, _ progress: Progress) async {
        await update(operationID) { progress.apply(to: &$0.metadata) }
    }

    func setMetadata(_ operationID: String, _ key: String, _ value: JSONValue?) async {
        await update(operationID, forceStore: true) { $0.metadata.set(key, value) }
    }

    func log(_ operationID: String, level: String, _ message: String, at time: Timestamp) async {
        await appendLog(operationID, message, level: level, at: time)
    }

    private func update(_ id: String, forceStore: Bool = false, _ change: (inout Operation) -> Void) async {
        let now = Timestamp.now()
        var store = forceStore
        guard
            let live = mutate(
                id,
                { live in
                    guard !live.operation.status.isFinal, !live.abandoned else { return }
                    change(&live.operation)
                    live.operation.updatedAt = now
                    if now.nanoseconds - live.lastStoredProgress >= configuration.progressStoreIntervalMilliseconds
                        * 1_000_000
                    {
                        store = true
                    }
                    if store { live.lastStoredProgress = now.nanoseconds }
                })
        else { return }
        let operation = live.operation
        let row = operation.row
        let shouldStore = store
        _ = try? await writer.write { transaction in
            if shouldStore { try transaction.connection.updateOperation(row) }
            transaction.emit(Self.event(for: operation, stored: shouldStore))
        }
        notifyWaiters(operation)
    }

    /// Emits a lifecycle event (`instance-started`, …), stored for replay.
    public func emitLifecycle(
        action: String, source: String, project: String = "default", context: JSONValue? = nil,
        requestor: Requestor? = nil
    ) async {
        var members: [(String, JSONValue)] = [("action", .string(action)), ("source", .string(source))]
        if let context { members.append(("context", context)) }
        if let requestor { members.append(("requestor", requestor.json)) }
        let draft = EventDraft(type: .lifecycle, project: project, metadata: .object(members), stored: true)
        _ = try? await writer.write { $0.emit(draft) }
    }
}
