import Foundation
import HTTP

@testable import Server

/// An `HTTPServer` with a `.tls` listener on a free loopback port (plus its unix socket), serving
/// `TLSTestResponder`; `stop()` shuts it down and removes its directory.
final class TLSTestServer: Sendable {
    /// One identity for the whole suite: making a key per test would only slow the tests down.
    static let identity: TLSIdentity = try! TLSIdentity.generateSelfSigned(
        commonName: "root@berth-test", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"])
    static let clientIdentity: TLSIdentity = try! TLSIdentity.generateSelfSigned(
        commonName: "berth-test-client", purpose: .client)

    let server: HTTPServer
    let directory: String
    let port: UInt16

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("berth-tls-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = ServerConfiguration()
        configuration.loopCount = 2
        configuration.tls = Self.identity
        let spoolDirectory = directory
        configuration.bodySinkProvider = { _, target, _ in
            target == "/spool" ? FileBodySink(directory: spoolDirectory, maxBytes: 64 << 20) : nil
        }
        configure(&configuration)
        server = HTTPServer(configuration: configuration, responder: TLSTestResponder())
        let bound = try server.start(listening: [
            .unix(path: directory + "/test.socket"), .tls(host: "127.0.0.1", port: 0),
        ])
        guard case .tls(_, let port) = bound[1] else { throw TLSTestClient.ClientError.malformed("no TLS port") }
        self.port = port
    }

    func client(_ options: TLSTestClient.Options = .init()) async throws -> TLSTestClient {
        try await TLSTestClient.open(port: port, options: options)
    }

    func stop() async {
        await server.shutdown(gracePeriodMilliseconds: 2_000)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` with a started TLS server and always stops it.
func withTLSTestServer(
    configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (TLSTestServer) async throws -> Void
) async throws {
    let server = try TLSTestServer(configure: configure)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
