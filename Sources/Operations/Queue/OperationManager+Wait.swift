import Synchronization

extension OperationManager {
    /// Waits until the operation is final — or, with `changedAfter`, until it changes after that
    /// time — or until `timeoutMilliseconds` pass (nil: no limit). Returns the operation as it is then;
    /// nil for an unknown id. A waiter is a stored continuation, not a blocked thread: ten thousand
    /// cost little. Cancelling the calling task (the client went away) ends the wait.
    public func wait(id: String, timeoutMilliseconds: Int64?, changedAfter: Timestamp? = nil) async throws
        -> Operation?
    {
        guard let current = try operation(id: id) else { return nil }
        if Self.satisfies(current, changedAfter: changedAfter) || timeoutMilliseconds == 0 { return current }

        let waiterID = state.withLock { state -> Int in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        let timer = timeoutMilliseconds.map { timeout in
            Task {
                try? await Task.sleep(for: .milliseconds(timeout))
                self.wake(waiterID: waiterID, operationID: id)
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let registered = state.withLock { state -> Bool in
                    // The operation may have changed or ended between the first read and now.
                    guard let live = state.live[id], !Self.satisfies(live.readable, changedAfter: changedAfter)
                    else { return false }
                    state.waiters[id, default: []].append(
                        Waiter(id: waiterID, changedAfter: changedAfter, continuation: continuation))
                    return true
                }
                if !registered || Task.isCancelled {
                    if registered { wake(waiterID: waiterID, operationID: id) } else { continuation.resume() }
                }
            }
        } onCancel: {
            self.wake(waiterID: waiterID, operationID: id)
        }
        timer?.cancel()
        return try operation(id: id)
    }

    static func satisfies(_ operation: Operation, changedAfter: Timestamp?) -> Bool {
        if operation.status.isFinal { return true }
        if let changedAfter { return operation.updatedAt > changedAfter }
        return false
    }

    /// Wakes the waiters that `operation`'s new state satisfies.
    func notifyWaiters(_ operation: Operation) {
        let woken = state.withLock { state -> [Waiter] in
            guard let waiters = state.waiters[operation.id] else { return [] }
            var remaining: [Waiter] = []
            var woken: [Waiter] = []
            for waiter in waiters {
                if Self.satisfies(operation, changedAfter: waiter.changedAfter) {
                    woken.append(waiter)
                } else {
                    remaining.append(waiter)
                }
            }
            state.waiters[operation.id] = remaining.isEmpty ? nil : remaining
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    private func wake(waiterID: Int, operationID: String) {
        let waiter = state.withLock { state -> Waiter? in
            guard var waiters = state.waiters[operationID],
                let index = waiters.firstIndex(where: { $0.id == waiterID })
            else { return nil }
            let waiter = waiters.remove(at: index)
            state.waiters[operationID] = waiters.isEmpty ? nil : waiters
            return waiter
        }
        waiter?.continuation.resume()
    }

    public var waiterCount: Int { state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } } }
}
