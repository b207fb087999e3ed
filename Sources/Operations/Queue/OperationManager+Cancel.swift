import Store
import Synchronization

extension OperationManager {
    /// `DELETE /1.0/operations/<id>`: a queued operation is Cancelled at once and its job dropped; a
    /// running one in a cancellable step goes Cancelling and its step is stopped; anything else is
    /// refused with LXD's text. Returns the operation as it is after the request.
    @discardableResult
    public func cancel(id: String) async throws -> Operation {
        enum Action {
            case dropQueued(Operation)
            case cancelRunning(Operation, Task<Void, Never>?)
            case nothing(Operation)
        }
        let now = Timestamp.now()
        let action: Action? = try state.withLock { state throws(OperationsError) -> Action? in
            guard var live = state.live[id] else { return nil }
            var machine = OperationStateMachine(status: live.operation.status)
            let outcome: OperationStateMachine.CancelOutcome
            do throws(OperationStateMachine.Refusal) {
                outcome = try machine.requestCancel(currentStepCancellable: live.operation.mayCancel)
            } catch {
                throw .cancelRefused(error)
            }
            live.cancelRequested = true
            switch outcome {
            case .cancelledWhileQueued:
                live.operation.status = .cancelled
                live.operation.mayCancel = false
                live.operation.updatedAt = now
                live.operation.finishedAt = now
                state.dequeue(id, key: live.job.queueKey)
                state.live.removeValue(forKey: id)
                return .dropQueued(live.operation)
            case .cancelling:
                live.operation.status = .cancelling
                live.operation.updatedAt = now
                state.live[id] = live
                return .cancelRunning(live.operation, live.stepTask)
            case .alreadyCancelling:
                return .nothing(live.operation)
            }
        }
        guard let action else {
            // Not live: unknown, or already final.
            guard try operation(id: id) != nil else { throw OperationsError.notFound }
            throw OperationsError.cancelRefused(.notRunning)
        }
        switch action {
        case .dropQueued(let operation):
            let row = operation.row
            let event = Self.event(for: operation)
            try await writer.write { transaction in
                try transaction.connection.updateOperation(row)
                try transaction.connection.deleteJob(operationID: id)
                try transaction.appendLog(
                    OperationLogRow(
                        operationID: id, time: now.nanoseconds, level: "info", message: "Cancelled while queued"))
                transaction.emit(event)
            }
            metrics.countFinal(type: operation.type, status: operation.status)
            notifyWaiters(operation)
            pump()
            return operation
        case .cancelRunning(let operation, let task):
            let row = operation.row
            let event = Self.event(for: operation)
            try await writer.write { transaction in
                try transaction.connection.updateOperation(row)
                try transaction.appendLog(
                    OperationLogRow(operationID: id, time: now.nanoseconds, level: "info", message: "cancel requested"))
                transaction.emit(event)
            }
            task?.cancel()
            notifyWaiters(operation)
            return operation
        case .nothing(let operation):
            return operation
        }
    }
}
