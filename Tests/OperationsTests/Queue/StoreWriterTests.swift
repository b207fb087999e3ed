import Foundation
import JSON
import Log
import Store
import Synchronization
import Testing

@testable import Operations

@Suite struct StoreWriterTests {
    struct Refused: Error, Equatable {}

    private func draft(_ name: String) -> EventDraft {
        EventDraft(type: .lifecycle, project: nil, metadata: .object([("name", .string(name))]), stored: true)
    }

    private func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-writer-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    /// Holds the writer thread inside a write until `release` is called, so that what is queued
    /// meanwhile lands in one batch.
    private func blockWriter(_ writer: StoreWriter) -> @Sendable () -> Void {
        let gate = DispatchSemaphore(value: 0)
        // Opens for good once released: a batch that is run again (after a write in it threw) must
        // not block again.
        writer.send { _ in
            gate.wait()
            gate.signal()
        }
        return { gate.signal() }
    }

    /// In one batch, a supersedable write of some rows is told a later write of the same rows
    /// follows; a lone one, one keyed differently, and one whose later write is rejected are not.
    @Test func laterWritesOfTheSameRowsSupersedeEarlierOnesInTheirBatch() async throws {
        try await withDirectory { directory in
            let writer = try StoreWriter(path: directory + "/berth.db", events: nil, logger: Logger(level: .error))
            defer { writer.stop() }
            let release = blockWriter(writer)
            let seen = Mutex<[String: Bool]>([:])
            let done = DispatchSemaphore(value: 0)
            func send(_ name: String, key: String, supersedable: Bool, fails: Bool = false) {
                writer.send(
                    rowKey: key, supersedable: supersedable,
                    { transaction in
                        seen.withLock { $0[name] = transaction.rowsSuperseded }
                        if fails { throw Refused() }
                    },
                    completion: { _ in done.signal() })
            }
            send("start-a", key: "op:a", supersedable: true)
            send("start-b", key: "op:b", supersedable: true)
            send("final-a", key: "op:a", supersedable: false)
            send("start-c", key: "op:c", supersedable: true)
            send("final-c", key: "op:c", supersedable: false, fails: true)
            release()
            for _ in 0..<5 { done.wait() }
            #expect(
                seen.withLock { $0 } == [
                    "start-a": true, "start-b": false, "final-a": false, "start-c": false, "final-c": false,
                ])
        }
    }

    @Test func aWriteThatThrowsLeavesTheRestOfItsBatchCommitted() async throws {
        try await withDirectory { directory in
            let bus = EventBus()
            let subscription = bus.subscribe(types: [.lifecycle], project: nil)
            let writer = try StoreWriter(path: directory + "/berth.db", events: bus, logger: Logger(level: .error))
            defer { writer.stop() }
            let release = blockWriter(writer)
            let outcomes = Mutex<[String: String]>([:])
            let done = DispatchSemaphore(value: 0)
            for name in ["a", "b", "c"] {
                writer.send(
                    { transaction in
                        try transaction.connection.run("INSERT INTO config (key, value) VALUES (?, ?)", [name, name])
                        transaction.emit(draft(name))
                        if name == "b" { throw Refused() }
                    },
                    completion: { error in
                        outcomes.withLock { $0[name] = error.map { "\(type(of: $0))" } ?? "committed" }
                        done.signal()
                    })
            }
            release()
            for _ in 0..<3 { done.wait() }
            #expect(outcomes.withLock { $0 } == ["a": "committed", "b": "Refused", "c": "committed"])

            let keys: [String] = try await writer.write { transaction in
                try transaction.connection.query("SELECT key FROM config ORDER BY key", []) { $0.string(at: 0) }
            }
            #expect(keys == ["a", "c"])
            // Only what committed was published, numbered without a gap for the write that failed.
            var names: [String] = []
            var ids: [Int64] = []
            for await event in subscription.events {
                names.append(event.metadata.objectValue?.first { $0.0 == "name" }?.1.stringValue ?? "?")
                ids.append(event.id)
                if names.count == 2 { break }
            }
            #expect(names == ["a", "c"])
            #expect(ids.count == 2 && ids[1] == ids[0] + 1)
        }
    }

    @Test func awaitedWritesResumeWithTheirOwnResultOrError() async throws {
        try await withDirectory { directory in
            let writer = try StoreWriter(
                path: directory + "/berth.db", events: nil, logger: Logger(level: .error))
            defer { writer.stop() }
            let release = blockWriter(writer)
            let first = Task {
                try await writer.write { try $0.connection.run("INSERT INTO config (key, value) VALUES ('x', '1')") }
            }
            try await Task.sleep(for: .milliseconds(20))
            let second = Task {
                // The same key again: a constraint error for this write only.
                try await writer.write { try $0.connection.run("INSERT INTO config (key, value) VALUES ('x', '2')") }
            }
            try await Task.sleep(for: .milliseconds(20))
            release()
            #expect(try await first.value == 1)
            await #expect(throws: StoreError.self) { try await second.value }
            let value: [String] = try await writer.write { transaction in
                try transaction.connection.query("SELECT value FROM config WHERE key = 'x'", []) { $0.string(at: 0) }
            }
            #expect(value == ["1"])
        }
    }
}
