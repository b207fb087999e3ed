import JSON
import Log
import Store
import Synchronization

extension OperationManager {
    /// What to do with a job found unfinished (after a crash, or with a lapsed lease).
    enum RecoveryDecision: Equatable {
        /// Run it again from its current step, as attempt `attempt`.
        case requeue(attempt: Int)
        case fail(String)
    }

    /// The rule: a job whose current step never began, or began but is idempotent, runs again;
    /// a non-idempotent step that began may have had effects and must not run twice.
    static func decide(_ job: JobRow, definition: OperationDefinition?, interruption: String) -> RecoveryDecision {
        guard let definition else { return .fail("Unknown operation type; cannot resume after \(interruption)") }
        guard job.stepIndex < definition.steps.count else { return .requeue(attempt: job.attempt + 1) }
        let step = definition.steps[job.stepIndex]
        if !job.stepStarted || step.idempotent { return .requeue(attempt: job.attempt + 1) }
        return .fail("Operation interrupted by \(interruption)")
    }

    /// At start-up: every job left in the store was interrupted by the end of the previous process.
    func recover() async throws {
        let jobs = try reader.read { try $0.jobs() }
        for job in jobs {
            guard let row = try reader.read({ try $0.operation(id: job.operationID) }) else { continue }
            var operation = Operation(row: row)
            let definition = registry[operation.type]
            try await resolve(
                job: job, operation: &operation, definition: definition,
                decision: Self.decide(job, definition: definition, interruption: "server restart"))
        }
        if !jobs.isEmpty { logger.info("recovered operations", ["count": String(jobs.count)]) }
    }

    /// Applies a recovery decision durably and, for a requeue, hands the job to the scheduler.
    func resolve(job: JobRow, operation: inout Operation, definition: OperationDefinition?, decision: RecoveryDecision)
        async throws
    {
        let now = Timestamp.now()
        operation.updatedAt = now
        switch decision {
        case .requeue(let attempt):
            var job = job
            job.attempt = attempt
            job.stepStarted = false
            job.stepDeadline = nil
            job.leaseOwner = nil
            job.leaseExpires = nil
            operation.status = .pending
            operation.mayCancel = true
            let (row, jobRow, snapshot) = (operation.row, job, operation)
            let stepName =
                definition.map { job.stepIndex < $0.steps.count ? $0.steps[job.stepIndex].name : "end" } ?? "?"
            try await writer.write { transaction in
                try transaction.connection.updateOperation(row)
                try transaction.connection.updateJob(jobRow)
                try transaction.appendLog(
                    OperationLogRow(
                        operationID: row.id, time: now.nanoseconds, level: "warn",
                        message: "re-queued at step \(stepName) after interruption (attempt \(attempt))"))
                transaction.emit(Self.event(for: snapshot))
            }
            if let definition {
                state.withLock { state in
                    state.live[row.id] = LiveOperation(operation: snapshot, job: jobRow, definition: definition)
                    state.enqueue(row.id, key: jobRow.queueKey, seq: jobRow.seq)
                }
            }
        case .fail(let message):
            operation.status = .failure
            operation.err = message
            operation.errCode = 500
            operation.mayCancel = false
            operation.finishedAt = now
            let (row, snapshot) = (operation.row, operation)
            try await writer.write { transaction in
                try transaction.connection.updateOperation(row)
                try transaction.connection.deleteJob(operationID: row.id)
                try transaction.appendLog(
                    OperationLogRow(operationID: row.id, time: now.nanoseconds, level: "error", message: message))
                transaction.emit(Self.event(for: snapshot))
            }
        }
    }
}
