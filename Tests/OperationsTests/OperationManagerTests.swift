import Foundation
import JSON
import Store
import Testing

import struct Operations.Operation

@testable import Operations

@Suite struct OperationManagerTests {
    @Test func anAcceptedOperationIsARowBeforeSubmitReturnsAndRunsToSuccess() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let operation = try await harness.submit("test.noop")
        // Read through a separate connection: committed, not merely cached.
        let stored = try Database.open(path: harness.path).read { try $0.operation(id: operation.id) }
        #expect(stored?.id == operation.id)
        let final = try await harness.final(operation)
        #expect(final.status == .success)
        #expect(final.mayCancel == false)
        #expect(final.finishedAt != nil)
        await harness.stop()
    }

    @Test func eventsForOneOperationArriveInOrderWithIncreasingIDs() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let subscription = harness.bus.subscribe(types: [.operation], project: nil)
        let operation = try await harness.submit("test.progress", payload: .object([("ms", .int(20))]))
        var statuses: [Int] = []
        var ids: [Int64] = []
        for await event in subscription.events where event.metadata["id"] == .string(operation.id) {
            statuses.append(event.metadata["status_code"]?.intValue ?? 0)
            ids.append(event.id)
            if (event.metadata["status_code"]?.intValue ?? 0) >= 200 { break }
        }
        #expect(statuses.first == 105)
        #expect(statuses.last == 200)
        #expect(statuses.dropFirst().dropLast().allSatisfy { $0 == 103 })
        #expect(statuses.count >= 4)  // Pending, Running, progress, metadata, Success
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        subscription.cancel()
        await harness.stop()
    }

    @Test func operationLogLinesArePublishedAsLoggingEvents() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let subscription = harness.bus.subscribe(types: [.logging], project: nil)
        let operation = try await harness.final(try await harness.submit("test.noop"))
        var messages: [String] = []
        for await event in subscription.events where event.metadata["context"]?["operation"] == .string(operation.id) {
            #expect(event.project == nil)
            messages.append(event.metadata["message"]?.stringValue ?? "")
            if messages.last == "Success: finished" { break }
        }
        #expect(messages.first == "created: test.noop on queue test/a")
        #expect(messages.contains("step noop started"))
        #expect(messages.last == "Success: finished")
        subscription.cancel()
        await harness.stop()
    }

    @Test func oneQueueKeyRunsInSubmissionOrderOneAtATime() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        var submitted: [Operation] = []
        for index in 0..<5 {
            submitted.append(
                try await harness.submit(
                    "test.sleep", key: "instance/default/c1",
                    payload: .object([("name", .string("\(index)")), ("ms", .int(20))])))
        }
        for operation in submitted { _ = try await harness.final(operation) }
        #expect(
            harness.recorder.all
                == ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4"])
        #expect(harness.recorder.peakConcurrency == 1)
        await harness.stop()
    }

    @Test func differentKeysRunInParallelUpToTheWorkerCount() async throws {
        let harness = try await OperationsHarness(configure: { $0.workers = 2 })
        defer { harness.remove() }
        var submitted: [Operation] = []
        for index in 0..<4 {
            submitted.append(
                try await harness.submit(
                    "test.sleep", key: "instance/default/c\(index)",
                    payload: .object([("name", .string("\(index)")), ("ms", .int(150))])))
        }
        for operation in submitted { _ = try await harness.final(operation) }
        #expect(harness.recorder.peakConcurrency == 2)
        let log = harness.recorder.all
        // The second job started before the first ended: parallel, not serial.
        #expect(log.firstIndex(of: "start 1")! < log.firstIndex(of: "end 0")!)
        await harness.stop()
    }

    @Test func sessionsTakeNoWorkerSlotAndTasksKeepTheirs() async throws {
        let harness = try await OperationsHarness(configure: { $0.workers = 1 })
        defer { harness.remove() }
        // Two open sessions, then a task: the task still gets the one worker.
        let sessions = try await [
            harness.submit(
                "test.session", key: "exec/a", payload: .object([("name", .string("s1")), ("ms", .int(400))])),
            harness.submit(
                "test.session", key: "exec/b", payload: .object([("name", .string("s2")), ("ms", .int(400))])),
        ]
        let task = try await harness.submit(
            "test.sleep", key: "instance/default/c1", payload: .object([("name", .string("t")), ("ms", .int(10))]))
        #expect(try await harness.final(task).status == .success)
        // The task ended while both sessions were still open.
        let log = harness.recorder.all
        #expect(log.contains("start s1") && log.contains("start s2") && log.contains("end t"))
        #expect(!log.contains("end s1") && !log.contains("end s2"))
        for session in sessions { #expect(try await harness.final(session).status == .success) }
        await harness.stop()
    }

    @Test func aQueuedOperationIsCancelledAtOnceAndDropped() async throws {
        let harness = try await OperationsHarness(configure: { $0.workers = 1 })
        defer { harness.remove() }
        let first = try await harness.submit(
            "test.sleep", payload: .object([("name", .string("a")), ("ms", .int(300))]))
        let second = try await harness.submit(
            "test.sleep", payload: .object([("name", .string("b")), ("ms", .int(10))]))
        let cancelled = try await harness.manager.cancel(id: second.id)
        #expect(cancelled.status == .cancelled)
        #expect(try await harness.final(first).status == .success)
        #expect(try harness.manager.operation(id: second.id)?.status == .cancelled)
        #expect(!harness.recorder.all.contains("start b"))
        let jobs = try Database.open(path: harness.path).read { try $0.jobs() }
        #expect(jobs.isEmpty)
        await harness.stop()
    }

    @Test func aRunningCancellableStepIsCancelled() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let operation = try await harness.submit(
            "test.sleep", payload: .object([("name", .string("x")), ("ms", .int(5000))]))
        let running = try await harness.manager.wait(
            id: operation.id, timeoutMilliseconds: 5000, changedAfter: operation.updatedAt)
        #expect(running?.status == .running)
        #expect(running?.mayCancel == true)
        let cancelling = try await harness.manager.cancel(id: operation.id)
        #expect(cancelling.status == .cancelling)
        let final = try await harness.final(operation)
        #expect(final.status == .cancelled)
        #expect(final.err == "")
        await harness.stop()
    }

    @Test func cancelIsRefusedWithLXDsReasons() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let stubborn = try await harness.submit("test.stubborn", payload: .object([("ms", .int(400))]))
        _ = try await harness.manager.wait(id: stubborn.id, timeoutMilliseconds: 5000, changedAfter: stubborn.updatedAt)
        await #expect(throws: OperationsError.cancelRefused(.notCancellable)) {
            try await harness.manager.cancel(id: stubborn.id)
        }
        _ = try await harness.final(stubborn)
        await #expect(throws: OperationsError.cancelRefused(.notRunning)) {
            try await harness.manager.cancel(id: stubborn.id)
        }
        await #expect(throws: OperationsError.notFound) {
            try await harness.manager.cancel(id: OperationID.make())
        }
        await harness.stop()
    }

    @Test func aStepPastItsDeadlineFailsTheOperationEvenIfItIgnoresCancellation() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let final = try await harness.final(try await harness.submit("test.hang"))
        #expect(final.status == .failure)
        #expect(final.err == #"Step "hang" did not finish within its deadline of 0.200 s"#)
        #expect(final.errCode == 504)
        await harness.stop()
    }

    /// A final state is shown only once it is committed: whoever reads it can also read the final
    /// log line from the store, and a crash at that moment could not undo it.
    @Test func aFinalStateIsReadableOnlyOnceItIsDurable() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        for _ in 0..<20 {
            let id = try await harness.submit("test.fail").id
            var seen: Operation?
            // Polled without waiting on the manager's own notification, which comes after the commit.
            for attempt in 0..<20_000 {
                if let current = try harness.manager.operation(id: id), current.status.isFinal {
                    seen = current
                    break
                }
                if attempt < 1_000 { await Task.yield() } else { try await Task.sleep(for: .milliseconds(1)) }
            }
            let final = try #require(seen)
            let log = try #require(try harness.manager.log(id: final.id))
            #expect(log.map(\.message).contains("Failure: step fail failed: The instance is already running"))
        }
        await harness.stop()
    }

    @Test func aFailingStepFailsTheOperationWithItsMessage() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let final = try await harness.final(try await harness.submit("test.fail"))
        #expect(final.status == .failure)
        #expect(final.err == "The instance is already running")
        #expect(final.errCode == 400)
        let log = try #require(try harness.manager.log(id: final.id))
        #expect(log.map(\.message).contains("Failure: step fail failed: The instance is already running"))
        await harness.stop()
    }

    @Test func waitHonoursTimeoutsAndChanges() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let operation = try await harness.submit("test.progress", payload: .object([("ms", .int(600))]))
        // timeout 0: answers at once with the operation as it is.
        let now = try await harness.manager.wait(id: operation.id, timeoutMilliseconds: 0)
        #expect(now?.status.isFinal == false)
        // a change after `updatedAt` (the step starting, then progress) wakes a change waiter early.
        let changed = try await harness.manager.wait(
            id: operation.id, timeoutMilliseconds: 5000, changedAfter: operation.updatedAt)
        #expect(changed.map { $0.updatedAt > operation.updatedAt } == true)
        #expect(changed?.status.isFinal == false)
        // timeout N: still running after N, returned as it is (not an error).
        let timedOut = try await harness.manager.wait(id: operation.id, timeoutMilliseconds: 50)
        #expect(timedOut?.status == .running)
        // no timeout: until final.
        let final = try await harness.manager.wait(id: operation.id, timeoutMilliseconds: nil)
        #expect(final?.status == .success)
        #expect(final?.metadata["return"] == .int(3))
        #expect(try await harness.manager.wait(id: OperationID.make(), timeoutMilliseconds: 0) == nil)
        #expect(harness.manager.waiterCount == 0)
        await harness.stop()
    }

    @Test func idempotencyKeysReturnTheSameOperationAndRefuseADifferentRequest() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let request = SubmitRequest(type: "test.noop", queueKey: "k", idempotency: (key: "abc", requestHash: "h1"))
        let first = try await harness.manager.submit(request)
        let second = try await harness.manager.submit(request)
        #expect(first.created)
        #expect(!second.created)
        #expect(second.operation.id == first.operation.id)
        var other = request
        other.idempotency = (key: "abc", requestHash: "h2")
        await #expect(throws: OperationsError.idempotencyConflict(key: "abc")) {
            try await harness.manager.submit(other)
        }
        await harness.stop()
    }

    @Test func retentionPrunesFinalOperationsOnly() async throws {
        let harness = try await OperationsHarness(configure: {
            $0.retentionMilliseconds = 0
            $0.pruneIntervalMilliseconds = 3_600_000
        })
        defer { harness.remove() }
        let done = try await harness.final(try await harness.submit("test.noop"))
        let running = try await harness.submit("test.sleep", key: "other", payload: .object([("ms", .int(2000))]))
        try await Task.sleep(for: .milliseconds(5))
        await harness.manager.prune()
        #expect(try harness.manager.operation(id: done.id) == nil)
        #expect(try harness.manager.operation(id: running.id) != nil)
        _ = try await harness.manager.cancel(id: running.id)
        await harness.stop()
    }

    @Test func retentionKeepsAtMostTheCountCap() async throws {
        let harness = try await OperationsHarness(configure: {
            $0.retentionCount = 2
            $0.pruneIntervalMilliseconds = 3_600_000
        })
        defer { harness.remove() }
        var finals: [Operation] = []
        for _ in 0..<4 { finals.append(try await harness.final(try await harness.submit("test.noop"))) }
        await harness.manager.prune()
        let kept = try harness.manager.operations(OperationQuery()).map(\.id)
        #expect(kept == Array(finals.suffix(2).map(\.id)))
        await harness.stop()
    }

    @Test func listingFiltersByStatusTypeAndResource() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let done = try await harness.final(
            try await harness.manager.submit(
                SubmitRequest(type: "test.noop", queueKey: "a", resources: ["instances": ["/1.0/instances/web1"]])
            ).operation)
        let failed = try await harness.final(try await harness.submit("test.fail", key: "b"))
        #expect(try harness.manager.operations(OperationQuery(statusCodes: [200])).map(\.id) == [done.id])
        #expect(try harness.manager.operations(OperationQuery(type: "test.fail")).map(\.id) == [failed.id])
        #expect(
            try harness.manager.operations(OperationQuery(resource: "/1.0/instances/web1")).map(\.id) == [done.id])
        #expect(try harness.manager.operations(OperationQuery(limit: 1, offset: 1)).map(\.id) == [failed.id])
        await harness.stop()
    }
}
