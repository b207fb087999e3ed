import Foundation
import HTTP
import Server

/// Starts an `HTTPServer` with `TestResponder` on a unix socket in a fresh temp directory, and
/// removes everything on `stop()`.
final class TestServer {
    let server: HTTPServer
    let directory: String
    let socketPath: String
    var tcpPort: UInt16 = 0

    init(configure: (inout ServerConfiguration) -> Void = { _ in }, tcp: Bool = false) throws {
        var configuration = ServerConfiguration()
        configuration.loopCount = 2
        configure(&configuration)
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "berth-server-\(UUID().uuidString.prefix(8))"
            ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socketPath = directory + "/test.socket"
        server = HTTPServer(configuration: configuration, responder: TestResponder())
        var addresses: [ListenAddress] = [.unix(path: socketPath, mode: 0o660)]
        if tcp { addresses.append(.tcp(host: "127.0.0.1", port: 0)) }
        let bound = try server.start(listening: addresses)
        for address in bound {
            if case .tcp(_, let port) = address { tcpPort = port }
        }
    }

    func client(timeoutSeconds: Int = 5) throws -> RawClient {
        try RawClient(unixPath: socketPath, receiveTimeoutSeconds: timeoutSeconds)
    }

    func stop() async {
        await server.shutdown(gracePeriodMilliseconds: 2_000)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` with a started server and always stops it.
func withTestServer(
    configure: (inout ServerConfiguration) -> Void = { _ in }, tcp: Bool = false,
    _ body: (TestServer) async throws -> Void
) async throws {
    let server = try TestServer(configure: configure, tcp: tcp)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
