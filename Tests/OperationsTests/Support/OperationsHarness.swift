import Foundation
import JSON
import Log
import Operations
import Store
import Testing

import struct Operations.Operation

/// A manager on a fresh database in a temp directory, with the test operation types.
final class OperationsHarness {
    let directory: String
    let recorder = Recorder()
    let bus = EventBus()
    let manager: OperationManager
    var path: String { directory + "/berth.db" }

    init(configure: (inout OperationsConfiguration) -> Void = { _ in }, directory: String? = nil) async throws {
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("berth-ops-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        var configuration = OperationsConfiguration()
        configuration.watchdogIntervalMilliseconds = 50
        configure(&configuration)
        manager = try OperationManager(
            path: self.directory + "/berth.db", registry: TestOperationTypes.registry(recorder),
            configuration: configuration, events: bus, logger: Logger(level: .error))
        try await manager.start()
    }

    func submit(_ type: String, key: String = "test/a", payload: JSONValue = .object([])) async throws -> Operation {
        try await manager.submit(SubmitRequest(type: type, queueKey: key, payload: payload)).operation
    }

    /// Waits for the final state (bounded, so a broken queue fails the test instead of hanging it).
    func final(_ operation: Operation) async throws -> Operation {
        let result = try await manager.wait(id: operation.id, timeoutMilliseconds: 10_000)
        return try #require(result)
    }

    func stop() async {
        await manager.shutdown(timeoutMilliseconds: 2_000)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
