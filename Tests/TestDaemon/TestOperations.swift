import Foundation
import JSON
import Operations

/// The test daemon's operation types.
enum TestOperations {
    static let all: [OperationDefinition] = [
        OperationDefinition(
            type: "test.noop", description: "Doing nothing",
            steps: [Step("noop", idempotent: true, cancellable: true) { _ in }]),
        OperationDefinition(
            type: "test.sleep", description: "Sleeping",
            steps: [
                Step("sleep", idempotent: true, cancellable: true) { context in
                    try await Task.sleep(for: .milliseconds(context.payload["ms"]?.intValue ?? 100))
                }
            ]),
        // Two steps around a sleep: `commit` must never run twice (it journals its run first), `finish`
        // may be re-run after a crash.
        OperationDefinition(
            type: "test.journal", description: "Journalling",
            steps: [
                Step("commit", idempotent: false, cancellable: false) { context in
                    Journal.append("\(context.operationID) commit attempt \(context.attempt)")
                    try? await Task.sleep(for: .milliseconds(context.payload["ms"]?.intValue ?? 50))
                },
                Step("finish", idempotent: true, cancellable: true) { context in
                    Journal.append("\(context.operationID) finish attempt \(context.attempt)")
                    try await Task.sleep(for: .milliseconds(context.payload["ms"]?.intValue ?? 50))
                },
            ]),
    ]
}

/// An append-only file of step runs, flushed to disk before the step goes on, so a `kill -9` right
/// after cannot lose the record of a run.
enum Journal {
    static func append(_ line: String) {
        guard let path = ProcessInfo.processInfo.environment["BERTH_TEST_JOURNAL"] else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
    }
}
