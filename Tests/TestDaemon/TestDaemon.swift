import API
import Daemon
import Foundation
import HTTP
import JSON
import Operations

/// `berthd` plus operation types and an endpoint that exist only for tests: the end-to-end suite
/// submits real durable operations to a real process, kills it, restarts it and checks the outcome.
///
/// `POST /1.0/testing/operations {"type", "queue", "payload", "resources"}` creates an operation of a
/// test type; steps that matter append to the journal file named by `BERTH_TEST_JOURNAL`, so a test can
/// prove that no non-idempotent step ever ran twice.
@main
enum TestDaemon {
    static func main() async {
        let extensions = DaemonExtensions(
            name: "berth-test-daemon", operationTypes: TestOperations.all,
            endpoints: { context in
                [
                    Endpoint(
                        "/1.0/testing/operations",
                        post: .deferred(.operate) { request in
                            let body = try JSONValue.parse(request.http.body)
                            let type = body["type"]?.stringValue ?? "test.noop"
                            var resources: [String: [String]] = [:]
                            for (kind, urls) in body["resources"]?.objectValue ?? [] {
                                resources[kind] = urls.arrayValue?.compactMap(\.stringValue) ?? []
                            }
                            return try await OperationSubmitter.submit(
                                SubmitRequest(
                                    type: type,
                                    queueKey: body["queue"]?.stringValue ?? request.queryValue("queue") ?? "testing",
                                    payload: body["payload"] ?? .object([]), resources: resources,
                                    project: request.project),
                                for: request, context: context)
                        }),
                    TestRoutes.endpoint(context),
                ]
            })
        exit(await BerthDaemon.main(arguments: Array(CommandLine.arguments.dropFirst()), extensions: extensions))
    }
}
