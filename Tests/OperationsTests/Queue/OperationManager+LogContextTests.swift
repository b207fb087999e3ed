import Foundation
import JSON
import Log
import Operations
import Synchronization
import Testing

/// Lines written while a job runs carry its `operation` id, and never the `request_id` of whichever
/// request happened to pump the queue.
@Suite struct OperationManagerLogContextTests {
    @Test func stepsRunWithTheOperationIdBoundAndNoRequestId() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-logctx-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = Mutex<[String]>([])
        let logger = Logger(level: .info, sink: LogSink { line in lines.withLock { $0.append(line) } })
        let definition = OperationDefinition(
            type: "test.logs", description: "Logging",
            steps: [
                Step("first", idempotent: true, cancellable: true) { _ in logger.info("first step") },
                Step("second", idempotent: true, cancellable: true) { _ in
                    // Work a step hands to a task of its own keeps the binding.
                    await Task { logger.info("second step") }.value
                },
            ])
        let manager = try OperationManager(
            path: directory + "/berth.db", registry: OperationRegistry([definition]), logger: logger)
        try await manager.start()
        // Submitted while a request is being handled, as the API does.
        let request = LogContext().adding("request_id", "77")
        var ids: [String] = []
        for _ in 0..<3 {
            let submission = try await LogContext.$current.withValue(request) {
                try await manager.submit(SubmitRequest(type: "test.logs", queueKey: "logs", payload: .object([])))
            }
            ids.append(submission.operation.id)
        }
        for id in ids {
            let final = try await manager.wait(id: id, timeoutMilliseconds: 10_000)
            #expect(final?.status == .success)
        }
        await manager.shutdown(timeoutMilliseconds: 2_000)

        let stepLines = lines.withLock { $0 }.filter { $0.contains("step\"") }
        #expect(stepLines.count == 6)
        for id in ids {
            let expected = [
                "level=info msg=\"first step\" operation=\(id)", "level=info msg=\"second step\" operation=\(id)",
            ]
            #expect(
                stepLines.filter { $0.hasSuffix("operation=\(id)") }.map { $0.split(separator: " ", maxSplits: 1)[1] }
                    == expected[...].map { Substring($0) })
        }
        #expect(!stepLines.contains { $0.contains("request_id") })
    }
}
