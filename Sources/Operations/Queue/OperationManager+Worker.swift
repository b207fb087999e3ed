import JSON
import Log
import Store
import Synchronization

extension OperationManager {
    /// How a step ended.
    enum StepOutcome: Sendable {
        case done
        case failed(message: String, code: Int)
        case cancelled
        case deadline
    }

    /// Runs a claimed job's steps from where it stands. Each step is committed as started before it
    /// runs, so a crash can tell whether a non-idempotent step may already have had effects.
    func runJob(_ id: String, queueKey: String) async {
        let initial = snapshot(id)
        defer { release(queueKey: queueKey, occupiesWorker: initial?.definition.occupiesWorker ?? true) }
        guard let initial else { return }
        var (operation, job, definition) = (initial.operation, initial.job, initial.definition)
        let payload = (try? JSONValue.parse(job.payload)) ?? .object([])
        /// Log lines that go with the next write instead of costing a commit of their own.
        var pendingLog: [OperationLogRow] = []
        while job.stepIndex < definition.steps.count {
            let step = definition.steps[job.stepIndex]
            if state.withLock({ $0.live[id]?.cancelRequested ?? true }) {
                await finish(
                    id, status: .cancelled, err: "", code: 0, message: "cancelled before step \(step.name)",
                    carried: pendingLog)
                return
            }
            // Begin the step durably.
            let now = Timestamp.now()
            guard
                let begun = mutate(
                    id,
                    { live in
                        if live.operation.status == .pending { live.operation.status = .running }
                        live.operation.mayCancel = step.cancellable
                        live.operation.updatedAt = now
                        live.job.stepStarted = true
                        live.job.stepDeadline = now.adding(milliseconds: step.deadlineMilliseconds).nanoseconds
                        live.job.leaseOwner = owner
                        live.job.leaseExpires = now.adding(milliseconds: configuration.leaseMilliseconds).nanoseconds
                    })
            else { return }
            (operation, job) = (begun.operation, begun.job)
            let (row, jobRow, carried) = (operation.row, job, pendingLog)
            pendingLog = []
            let attemptText = job.attempt > 1 ? " (attempt \(job.attempt))" : ""
            let startLine = OperationLogRow(
                operationID: id, time: now.nanoseconds, level: "info",
                message: "step \(step.name) started\(attemptText)")
            let event = Self.event(for: operation)
            let record: @Sendable (WriteTransaction) throws -> Void = { transaction in
                if !transaction.rowsSuperseded {
                    try transaction.connection.updateOperation(row)
                    try transaction.connection.updateJob(jobRow)
                }
                for line in carried + [startLine] { try transaction.appendLog(line) }
                transaction.emit(event)
            }
            if step.idempotent {
                // Running it again after a crash is safe, so it need not wait for this record; when
                // the step ends within the same commit, the final record's row update replaces this one.
                writer.send(rowKey: "op:" + id, supersedable: true, record)
            } else {
                // It must never run twice: its start is on disk before it runs.
                do {
                    try await writer.write(record)
                } catch {
                    logger.error("cannot record step start", ["operation": id, "error": "\(error)"])
                    await finish(id, status: .failure, err: "Cannot record progress: \(error)", code: 500, message: nil)
                    return
                }
            }
            notifyWaiters(operation)

            let context = StepContext(
                operationID: id, stepName: step.name, attempt: job.attempt, payload: payload, reporter: self)
            let outcome = await runStep(step, context: context, id: id)
            let elapsed = Timestamp.now().nanoseconds - now.nanoseconds
            let seconds = Double(elapsed) / 1e9
            metrics.observeStep(type: operation.type, step: step.name, nanoseconds: elapsed)
            switch outcome {
            case .done:
                guard
                    let advanced = mutate(
                        id,
                        { live in
                            live.job.stepIndex += 1
                            live.job.stepStarted = false
                            live.job.stepDeadline = nil
                        })
                else { return }
                job = advanced.job
                pendingLog.append(
                    OperationLogRow(
                        operationID: id, time: Timestamp.now().nanoseconds, level: "info",
                        message: "step \(step.name) done in \(Self.seconds(seconds))"))
            case .failed(let message, let code):
                await finish(
                    id, status: .failure, err: message, code: code, message: "step \(step.name) failed: \(message)")
                return
            case .cancelled:
                await finish(id, status: .cancelled, err: "", code: 0, message: "step \(step.name) cancelled")
                return
            case .deadline:
                let limit = Double(step.deadlineMilliseconds) / 1000
                let message = "Step \"\(step.name)\" did not finish within its deadline of \(Self.seconds(limit))"
                await finish(id, status: .failure, err: message, code: 504, message: message)
                return
            }
        }
        await finish(id, status: .success, err: "", code: 0, message: "finished", carried: pendingLog)
    }

    /// Runs the step in a task of its own, raced against its deadline: a step that ignores
    /// cancellation cannot keep the operation Running past its deadline.
    private func runStep(_ step: Step, context: StepContext, id: String) async -> StepOutcome {
        let outcome = OneShot<StepOutcome>()
        let stepTask = Task {
            do {
                try await step.run(context)
                outcome.resolve(.done)
            } catch let failure as OperationFailure {
                outcome.resolve(.failed(message: failure.message, code: failure.code))
            } catch {
                if Task.isCancelled || error is CancellationError {
                    outcome.resolve(.cancelled)
                } else {
                    outcome.resolve(.failed(message: "\(error)", code: 500))
                }
            }
        }
        // The watchdog resolves `outcome` with `.deadline` once the step's deadline (recorded in the
        // job) has passed: no timer task per step.
        let cancelledAlready = state.withLock { state -> Bool in
            state.live[id]?.stepTask = stepTask
            state.live[id]?.stepOutcome = outcome
            return state.live[id]?.cancelRequested ?? false
        }
        if cancelledAlready && step.cancellable { stepTask.cancel() }
        let result = await outcome.value()
        if case .deadline = result {
            stepTask.cancel()
            mutate(id) { $0.abandoned = true }
        }
        state.withLock { state in
            state.live[id]?.stepTask = nil
            state.live[id]?.stepOutcome = nil
        }
        // A cancel that arrived while the step ran stops the operation at this cancel point even if
        // the step itself completed.
        if case .done = result, state.withLock({ $0.live[id]?.cancelRequested ?? false }),
            let live = snapshot(id), live.job.stepIndex + 1 < live.definition.steps.count
        {
            return .cancelled
        }
        return result
    }

    /// Ends the operation: final status recorded, job deleted; waiters are told once that is durable.
    ///
    /// It returns as soon as the final record is queued, without waiting for the commit, so the next
    /// job of the queue key can start: the writer commits in order, so whatever that job records is
    /// durable only together with or after this final record, and a crash before the commit finds
    /// both jobs unfinished and recovers them in submission order.
    func finish(
        _ id: String, status: OperationStatus, err: String, code: Int, message: String?,
        carried: [OperationLogRow] = []
    ) async {
        let now = Timestamp.now()
        guard
            let final = mutate(
                id,
                { live in
                    if live.beforeFinal == nil { live.beforeFinal = live.operation }
                    live.operation.status = status
                    live.operation.err = err
                    live.operation.errCode = code
                    live.operation.mayCancel = false
                    live.operation.updatedAt = now
                    live.operation.finishedAt = now
                })
        else { return }
        let operation = final.operation
        let row = operation.row
        // Encoded here, not on the store's single writer thread.
        let event = Self.event(for: operation)
        writer.send(
            rowKey: "op:" + id,
            { transaction in
                try transaction.connection.updateOperation(row)
                try transaction.connection.deleteJob(operationID: id)
                for line in carried { try transaction.appendLog(line) }
                try transaction.appendLog(
                    OperationLogRow(
                        operationID: id, time: now.nanoseconds, level: status == .success ? "info" : "error",
                        message: "\(status.name)" + (message.map { ": \($0)" } ?? "")))
                transaction.emit(event)
            },
            completion: { [self] error in
                if let error { logger.error("cannot record final status", ["operation": id, "error": "\(error)"]) }
                // Until now readers got the final state from memory; from here on from the store.
                state.withLock { _ = $0.live.removeValue(forKey: id) }
                metrics.countFinal(type: operation.type, status: operation.status)
                notifyWaiters(operation)
            })
    }

    /// Frees the job's queue key and worker slot and starts what waited for them.
    private func release(queueKey: String, occupiesWorker: Bool) {
        state.withLock { state in
            if occupiesWorker {
                state.running -= 1
            } else {
                state.runningUnbounded -= 1
            }
            state.busyKeys.remove(queueKey)
            if state.queues[queueKey] != nil { state.markReady(queueKey) }
        }
        pump()
    }

    func snapshot(_ id: String) -> LiveOperation? { state.withLock { $0.live[id] } }

    /// Applies `change` to a live operation and returns the result; nil when it is gone.
    @discardableResult
    func mutate(_ id: String, _ change: (inout LiveOperation) -> Void) -> LiveOperation? {
        state.withLock { state in
            // Changed where it is stored: copying it out and back cost a copy of every field each time.
            guard state.live[id] != nil else { return nil }
            change(&state.live[id]!)
            return state.live[id]
        }
    }

    func appendLog(_ id: String, _ message: String, level: String = "info", at time: Timestamp = .now()) async {
        let line = OperationLogRow(operationID: id, time: time.nanoseconds, level: level, message: message)
        _ = try? await writer.write { try $0.appendLog(line) }
    }

    /// `2 s`, or `0.250 s` with milliseconds when not whole.
    static func seconds(_ value: Double) -> String {
        if value == value.rounded() { return "\(Int(value)) s" }
        let milliseconds = Int((value * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count) + fraction) s"
    }
}

/// A value resolved once by whichever of several racers gets there first.
final class OneShot<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiter: CheckedContinuation<Value, Never>?)>((nil, nil))

    func resolve(_ value: Value) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, Never>? in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value? in
                if let value = state.value { return value }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
