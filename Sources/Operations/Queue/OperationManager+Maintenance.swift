import Log
import Store
import Synchronization

extension OperationManager {
    /// Background duties: renewing this process's leases, recovering jobs whose lease lapsed (their
    /// worker died), and pruning what retention lets go.
    func startMaintenance() {
        let heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                try? await Task.sleep(for: .milliseconds(max(10, self.configuration.leaseMilliseconds / 3)))
                await self.renewLeases()
            }
        }
        let watchdog = Task { [weak self] in
            var lastLeaseScan = ContinuousClock.now
            while !Task.isCancelled {
                guard let self else { return }
                try? await Task.sleep(for: .milliseconds(self.configuration.watchdogIntervalMilliseconds))
                self.expireDeadlines()
                // Lapsed leases need a scan of the jobs table: every fifth tick is plenty for leases
                // that last tens of seconds.
                let leaseScanInterval = Duration.milliseconds(self.configuration.watchdogIntervalMilliseconds * 5)
                if ContinuousClock.now - lastLeaseScan >= leaseScanInterval {
                    lastLeaseScan = ContinuousClock.now
                    await self.recoverLapsedLeases()
                }
            }
        }
        let pruning = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                await self.prune()
                try? await Task.sleep(for: .milliseconds(self.configuration.pruneIntervalMilliseconds))
            }
        }
        state.withLock { $0.maintenance = [heartbeat, watchdog, pruning] }
    }

    /// Ends the steps whose deadline has passed (their operations fail; see `runStep`).
    func expireDeadlines() {
        let now = Timestamp.now().nanoseconds
        let expired = state.withLock { state in
            state.live.values.compactMap { live -> OneShot<StepOutcome>? in
                guard let deadline = live.job.stepDeadline, deadline < now, live.job.stepStarted else { return nil }
                return live.stepOutcome
            }
        }
        for outcome in expired { outcome.resolve(.deadline) }
    }

    func renewLeases() async {
        let expires = Timestamp.now().adding(milliseconds: configuration.leaseMilliseconds).nanoseconds
        let owner = self.owner
        let ids = state.withLock { state in
            state.live.values.filter { $0.job.leaseOwner == owner && !$0.abandoned }.map(\.operation.id)
        }
        guard !ids.isEmpty else { return }
        for id in ids { mutate(id) { $0.job.leaseExpires = expires } }
        _ = try? await writer.write { try $0.connection.renewLeases(owner: owner, operationIDs: ids, expires: expires) }
    }

    /// Jobs in the store held by another owner whose lease lapsed: that worker stopped heartbeating.
    func recoverLapsedLeases() async {
        let now = Timestamp.now().nanoseconds
        guard let jobs = try? reader.read({ try $0.jobs() }) else { return }
        let live = state.withLock { Set($0.live.keys) }
        for job in jobs where !live.contains(job.operationID) {
            guard let owner = job.leaseOwner, owner != self.owner, let expires = job.leaseExpires, expires < now else {
                continue
            }
            guard let row = try? reader.read({ try $0.operation(id: job.operationID) }) else { continue }
            var operation = Operation(row: row)
            let definition = registry[operation.type]
            let decision = Self.decide(
                job, definition: definition, interruption: "a lost worker (\(owner) stopped renewing its lease)")
            do {
                try await resolve(job: job, operation: &operation, definition: definition, decision: decision)
                logger.warn("recovered a job whose lease lapsed", ["operation": job.operationID, "owner": owner])
            } catch {
                logger.error("cannot recover lapsed job", ["operation": job.operationID, "error": "\(error)"])
            }
        }
        pump()
    }

    /// Drops final operations past retention or beyond the count cap, old events and idempotency keys.
    func prune() async {
        let now = Timestamp.now()
        let operationsBefore = now.adding(milliseconds: -configuration.retentionMilliseconds).nanoseconds
        let keysBefore = now.adding(milliseconds: -configuration.idempotencyMilliseconds).nanoseconds
        let cap = configuration.retentionCount
        do {
            let removed = try await writer.write { transaction -> Int in
                let connection = transaction.connection
                let count = try connection.pruneOperations(finishedBefore: operationsBefore, keepAtMost: cap)
                try connection.pruneEvents(before: operationsBefore)
                try connection.pruneIdempotencyRecords(before: keysBefore)
                return count
            }
            if removed > 0 { logger.debug("pruned operations", ["count": String(removed)]) }
        } catch {
            logger.error("pruning failed", ["error": "\(error)"])
        }
    }

    /// Stops taking jobs, cancels what can be cancelled, waits up to `timeoutMilliseconds` for the
    /// rest, then closes the store. What is still running is left for recovery at the next start.
    public func shutdown(timeoutMilliseconds: Int64) async {
        let (maintenance, cancellable) = state.withLock { state in
            state.accepting = false
            return (
                state.maintenance,
                state.live.values.filter { $0.operation.status == .running && $0.operation.mayCancel }
            )
        }
        for task in maintenance { task.cancel() }
        for live in cancellable { _ = try? await cancel(id: live.operation.id) }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        while state.withLock({ $0.running + $0.runningUnbounded }) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = state.withLock { $0.running + $0.runningUnbounded }
        if left > 0 { logger.warn("operations left for recovery at next start", ["count": String(left)]) }
        writer.stop()
        reader.close()
    }
}
