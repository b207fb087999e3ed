import JSON
import Log
import Store
import Synchronization

extension OperationManager {
    /// What `submit` did: a new operation, or the one an earlier request with the same
    /// `Idempotency-Key` created.
    public struct Submission: Sendable {
        public let operation: Operation
        public let created: Bool
        /// `operation.encodedJSON`, already made for its event: the `202` splices it.
        public let encodedOperation: [UInt8]

        init(operation: Operation, created: Bool, encodedOperation: [UInt8]? = nil) {
            self.operation = operation
            self.created = created
            self.encodedOperation = encodedOperation ?? operation.encodedJSON
        }
    }

    /// Creates an operation and its job. Returns once both are committed to disk, so the caller may
    /// answer `202`.
    public func submit(_ request: SubmitRequest) async throws -> Submission {
        guard let definition = registry[request.type] else { throw OperationsError.unknownType(request.type) }
        guard state.withLock({ $0.accepting }) else { throw OperationsError.shuttingDown }
        let now = Timestamp.now()
        let seq = nextSeq.add(1, ordering: .relaxed).oldValue
        let operation = Operation(
            id: OperationID.make(at: now), seq: seq, operationClass: definition.operationClass, type: definition.type,
            description: request.description ?? definition.description, project: request.project, createdAt: now,
            updatedAt: now, status: .pending, resources: request.resources, metadata: request.metadata,
            // A queued operation can always be cancelled: it is dropped before anything ran.
            mayCancel: true, err: "", errCode: 0, requestor: request.requestor, finishedAt: nil)
        let job = JobRow(
            operationID: operation.id, seq: seq, queueKey: request.queueKey,
            payload: String(decoding: request.payload.encoded, as: UTF8.self))
        let idempotency = request.idempotency
        // Encoded here, not on the store's single writer thread.
        let created = Self.event(for: operation)

        let existingID: String? = try await writer.write { transaction in
            let connection = transaction.connection
            if let idempotency, let record = try connection.idempotencyRecord(key: idempotency.key) {
                guard record.requestHash == idempotency.requestHash else {
                    throw OperationsError.idempotencyConflict(key: idempotency.key)
                }
                return record.operationID
            }
            try connection.insertOperation(operation.row)
            try connection.insertJob(job)
            try transaction.appendLog(
                OperationLogRow(
                    operationID: operation.id, time: now.nanoseconds, level: "info",
                    message: "created: \(definition.type) on queue \(request.queueKey)"))
            if let idempotency {
                try connection.insertIdempotencyRecord(
                    key: idempotency.key, requestHash: idempotency.requestHash, operationID: operation.id,
                    createdAt: now.nanoseconds)
            }
            transaction.emit(created)
            return nil
        }
        if let existingID {
            guard let existing = try self.operation(id: existingID) else { throw OperationsError.notFound }
            return Submission(operation: existing, created: false)
        }
        state.withLock { state in
            state.live[operation.id] = LiveOperation(operation: operation, job: job, definition: definition)
            state.enqueue(operation.id, key: job.queueKey)
        }
        pump()
        return Submission(operation: operation, created: true, encodedOperation: created.encodedMetadata)
    }

    /// Starts waiting jobs while workers are free: the head job of each ready key, keys in the order
    /// they became ready. A key runs one job at a time, strictly in submission order.
    func pump() {
        let workers = configuration.workers
        let claimed: [(id: String, key: String)] = state.withLock { state in
            guard state.accepting, state.started else { return [] }
            var claimed: [(id: String, key: String)] = []
            while !state.readyUnboundedKeys.isEmpty {
                let key = state.readyUnboundedKeys.removeFirst()
                guard let id = state.popFirst(key: key) else { continue }
                state.runningUnbounded += 1
                state.busyKeys.insert(key)
                claimed.append((id, key))
            }
            while state.running < workers, !state.readyKeys.isEmpty {
                let key = state.readyKeys.removeFirst()
                guard let id = state.popFirst(key: key) else { continue }
                state.running += 1
                state.busyKeys.insert(key)
                claimed.append((id, key))
            }
            return claimed
        }
        for (id, key) in claimed {
            // Its lines carry the operation's id, not the request's whose submission pumped the queue.
            let logContext = LogContext().adding("operation", id)
            Task { await LogContext.$current.withValue(logContext) { await self.runJob(id, queueKey: key) } }
        }
    }

    /// The operation event clients wait on: the full operation object, stored for replay.
    static func event(for operation: Operation, stored: Bool = true) -> EventDraft {
        EventDraft(type: .operation, project: operation.project, encodedMetadata: operation.encodedJSON, stored: stored)
    }
}
