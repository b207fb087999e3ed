import Dispatch
import Foundation
import HTTP
import Testing

@testable import Server

/// `loopsAreResponsive()`, what the watchdog asks before each ping.
@Suite struct HTTPServerHeartbeatTests {
    /// Breaks the responder contract on purpose: `/block` holds its loop thread until released,
    /// as a handler stuck in a system call would.
    struct BlockingResponder: HTTPResponder {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        func respond(to request: HTTPRequest, context: RequestContext) -> Reply {
            if request.rawPath == "/block" {
                entered.signal()
                release.wait()
            }
            return .response(HTTPResponse(status: .ok, body: Array("done".utf8)))
        }

        func errorResponse(status: HTTPStatus, message: String) -> HTTPResponse {
            HTTPResponse(status: status, body: Array(message.utf8))
        }
    }

    @Test func runningLoopsAnswer() async throws {
        try await withTestServer { server in
            #expect(server.server.loopsAreResponsive())
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.server.loopsAreResponsive())
        }
    }

    @Test func aLoopStuckInAHandlerIsReportedUntilItComesBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "berth-heartbeat-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/test.socket"
        var configuration = ServerConfiguration()
        configuration.loopCount = 1
        let responder = BlockingResponder()
        let server = HTTPServer(configuration: configuration, responder: responder)
        try server.start(listening: [.unix(path: path, mode: 0o600)])
        let client = try RawClient(unixPath: path)
        client.send("GET /block HTTP/1.1\r\n\r\n")
        responder.entered.wait()
        #expect(server.loopsAreResponsive())
        try await Task.sleep(for: .milliseconds(200))
        #expect(!server.loopsAreResponsive())
        #expect(!server.loopsAreResponsive())
        responder.release.signal()
        #expect(try await client.readResponse().text == "done")
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.loopsAreResponsive())
        await server.shutdown(gracePeriodMilliseconds: 2_000)
        // A stopped server is not a hung one.
        #expect(server.loopsAreResponsive())
    }
}
