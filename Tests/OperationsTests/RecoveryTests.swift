import Foundation
import JSON
import Store
import Testing

import struct Operations.Operation

@testable import Operations

@Suite struct RecoveryTests {
    /// Writes an operation and its job as a crashed (or lost) worker would have left them.
    static func leave(
        _ type: String, status: OperationStatus, stepIndex: Int, stepStarted: Bool, seq: Int64, in path: String,
        leaseOwner: String? = nil, leaseExpires: Int64? = nil
    ) throws -> String {
        let id = OperationID.make()
        let now = Timestamp.now()
        let operation = Operation(
            id: id, seq: seq, operationClass: .task, type: type, description: "Left behind", project: "default",
            createdAt: now, updatedAt: now, status: status, resources: [:], metadata: .object([]), mayCancel: false,
            err: "", errCode: 0, requestor: nil, finishedAt: nil)
        let database = try Database.open(path: path)
        try database.write { connection in
            try connection.insertOperation(operation.row)
            try connection.insertJob(
                JobRow(
                    operationID: id, seq: seq, queueKey: "k\(seq)", payload: "{}", attempt: 1, stepIndex: stepIndex,
                    stepStarted: stepStarted, leaseOwner: leaseOwner, leaseExpires: leaseExpires))
        }
        database.close()
        return id
    }

    @Test func restartRequeuesWhatMaySafelyRunAgainAndFailsTheRest() async throws {
        let first = try await OperationsHarness()
        await first.stop()
        let path = first.path
        let neverStarted = try Self.leave(
            "test.twostep", status: .pending, stepIndex: 0, stepStarted: false, seq: 100, in: path)
        let inNonIdempotent = try Self.leave(
            "test.twostep", status: .running, stepIndex: 0, stepStarted: true, seq: 101, in: path)
        let inIdempotent = try Self.leave(
            "test.twostep", status: .running, stepIndex: 1, stepStarted: true, seq: 102, in: path)
        let unknownType = try Self.leave(
            "test.gone", status: .running, stepIndex: 0, stepStarted: true, seq: 103, in: path)

        let second = try await OperationsHarness(directory: first.directory)
        defer { second.remove() }
        let manager = second.manager
        func final(_ id: String) async throws -> Operation {
            try #require(try await manager.wait(id: id, timeoutMilliseconds: 10_000))
        }

        let resumed = try await final(neverStarted)
        #expect(resumed.status == .success)
        let interrupted = try await final(inNonIdempotent)
        #expect(interrupted.status == .failure)
        #expect(interrupted.err == "Operation interrupted by server restart")
        let rerun = try await final(inIdempotent)
        #expect(rerun.status == .success)
        let unknown = try await final(unknownType)
        #expect(unknown.status == .failure)
        #expect(unknown.err.hasPrefix("Unknown operation type"))

        let steps = second.recorder.all
        // The non-idempotent first step never ran twice: not for the interrupted one, not at all for the
        // one that had finished it.
        #expect(!steps.contains { $0.hasPrefix("first \(inNonIdempotent)") })
        #expect(!steps.contains { $0.hasPrefix("first \(inIdempotent)") })
        #expect(steps.contains("second \(inIdempotent) attempt 2"))
        #expect(steps.contains("first \(neverStarted) attempt 2"))
        let log = try #require(try manager.log(id: inIdempotent)).map(\.message)
        #expect(log.contains("re-queued at step second after interruption (attempt 2)"))
        #expect(try Database.open(path: path).read { try $0.jobs() }.isEmpty)
        await second.stop()
    }

    @Test func aJobWhoseWorkerStoppedRenewingItsLeaseIsRecovered() async throws {
        let harness = try await OperationsHarness()
        defer { harness.remove() }
        let soon = Timestamp.now().adding(milliseconds: 150).nanoseconds
        let lost = try Self.leave(
            "test.twostep", status: .running, stepIndex: 0, stepStarted: true, seq: 500, in: harness.path,
            leaseOwner: "berthd-dead", leaseExpires: soon)
        let lostIdempotent = try Self.leave(
            "test.twostep", status: .running, stepIndex: 1, stepStarted: true, seq: 501, in: harness.path,
            leaseOwner: "berthd-dead", leaseExpires: soon)
        func final(_ id: String) async throws -> Operation? {
            for _ in 0..<200 {
                if let operation = try harness.manager.operation(id: id), operation.status.isFinal { return operation }
                try await Task.sleep(for: .milliseconds(25))
            }
            return nil
        }
        let failed = try #require(try await final(lost))
        #expect(failed.status == .failure)
        #expect(failed.err == "Operation interrupted by a lost worker (berthd-dead stopped renewing its lease)")
        let resumed = try #require(try await final(lostIdempotent))
        #expect(resumed.status == .success)
        await harness.stop()
    }

    @Test(arguments: [
        (0, false, OperationManager.RecoveryDecision.requeue(attempt: 2)),
        (0, true, .fail("Operation interrupted by server restart")),
        (1, true, .requeue(attempt: 2)),
        (1, false, .requeue(attempt: 2)),
    ])
    func theRecoveryRule(stepIndex: Int, started: Bool, expected: OperationManager.RecoveryDecision) {
        let definition = TestOperationTypes.registry(Recorder())["test.twostep"]
        let job = JobRow(
            operationID: "x", seq: 1, queueKey: "k", payload: "{}", stepIndex: stepIndex, stepStarted: started)
        #expect(OperationManager.decide(job, definition: definition, interruption: "server restart") == expected)
    }
}
