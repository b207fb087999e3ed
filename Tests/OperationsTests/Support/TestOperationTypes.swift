import JSON
import Operations

/// Operation types for tests only (a test double of real driver work; the product has none).
enum TestOperationTypes {
    static func registry(_ recorder: Recorder) -> OperationRegistry {
        OperationRegistry([
            OperationDefinition(
                type: "test.noop", description: "Doing nothing",
                steps: [Step("noop", idempotent: true, cancellable: true) { _ in }]),
            // Sleeps `ms`, recording start and end with `name`; cancellable and idempotent.
            OperationDefinition(
                type: "test.sleep", description: "Sleeping",
                steps: [
                    Step("sleep", idempotent: true, cancellable: true) { context in
                        let name = context.payload["name"]?.stringValue ?? "?"
                        recorder.enter()
                        recorder.record("start \(name)")
                        defer {
                            recorder.record("end \(name)")
                            recorder.leave()
                        }
                        try await Task.sleep(for: .milliseconds(context.payload["ms"]?.intValue ?? 50))
                    }
                ]),
            // A session (class websocket) that sleeps `ms`, recording like test.sleep.
            OperationDefinition(
                type: "test.session", description: "Holding a session", operationClass: .websocket,
                steps: [
                    Step("session", idempotent: false, cancellable: true) { context in
                        let name = context.payload["name"]?.stringValue ?? "?"
                        recorder.record("start \(name)")
                        defer { recorder.record("end \(name)") }
                        try await Task.sleep(for: .milliseconds(context.payload["ms"]?.intValue ?? 50))
                    }
                ]),
            // A step that cannot be cancelled.
            OperationDefinition(
                type: "test.stubborn", description: "Being stubborn",
                steps: [
                    Step("stubborn", idempotent: false, cancellable: false) { context in
                        try? await Task.sleep(for: .milliseconds(context.payload["ms"]?.intValue ?? 300))
                    }
                ]),
            // Ignores cancellation and outlives its 200 ms deadline.
            OperationDefinition(
                type: "test.hang", description: "Hanging",
                steps: [
                    Step("hang", idempotent: false, cancellable: false, deadlineMilliseconds: 200) { _ in
                        for _ in 0..<50 { try? await Task.sleep(for: .milliseconds(100)) }
                    }
                ]),
            OperationDefinition(
                type: "test.fail", description: "Failing",
                steps: [
                    Step("fail", idempotent: true, cancellable: false) { _ in
                        throw OperationFailure("The instance is already running", code: 400)
                    }
                ]),
            OperationDefinition(
                type: "test.progress", description: "Reporting",
                steps: [
                    Step("report", idempotent: true, cancellable: true) { context in
                        await context.progress(
                            Progress(
                                stage: "create_instance_from_image_unpack", processed: 45, total: 100,
                                speed: 126_353_408))
                        try await Task.sleep(for: .milliseconds(context.payload["ms"]?.intValue ?? 50))
                        await context.setMetadata("return", .int(3))
                    }
                ]),
            OperationDefinition(
                type: "test.twostep", description: "Two steps",
                steps: [
                    Step("first", idempotent: false, cancellable: false) { context in
                        recorder.record("first \(context.operationID) attempt \(context.attempt)")
                    },
                    Step("second", idempotent: true, cancellable: true) { context in
                        recorder.record("second \(context.operationID) attempt \(context.attempt)")
                    },
                ]),
        ])
    }
}
