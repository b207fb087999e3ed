import Foundation
import Server
import Testing

@testable import Daemon

@Suite struct DaemonTLSTests {
    @Test func theServerIdentityIsMadeOnFirstStartAndKeptAfterwards() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "berth-daemon-tls-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let first = try Daemon.serverIdentity(stateDirectory: directory, hostName: "node1")
        let second = try Daemon.serverIdentity(stateDirectory: directory, hostName: "node1")
        #expect(second.fingerprint == first.fingerprint)
        let keyMode = try FileManager.default.attributesOfItem(atPath: directory + "/server.key")[.posixPermissions]
        #expect(keyMode as? Int == 0o600)
        #expect(try String(contentsOfFile: directory + "/server.crt", encoding: .utf8) == first.certificatePEM)
    }

    @Test func aBrokenCertificateStopsTheStartWithTheFileNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "berth-daemon-tls-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try Daemon.serverIdentity(stateDirectory: directory, hostName: "node1")
        try "garbage".write(toFile: directory + "/server.crt", atomically: true, encoding: .utf8)

        let error = #expect(throws: DaemonError.self) {
            try Daemon.serverIdentity(stateDirectory: directory, hostName: "node1")
        }
        #expect(error?.description.contains("\(directory)/server.crt") == true)
    }

    @Test func listenAddressesAreHTTPSWithLXDsDefaultPort() throws {
        let addresses = try Daemon.commandLineAddresses(["127.0.0.1:8443", "[::1]:9443", "127.0.0.2", ":7443"])
        #expect(
            addresses == [
                .tls(host: "127.0.0.1", port: 8443), .tls(host: "::1", port: 9443), .tls(host: "127.0.0.2", port: 8443),
                .tls(host: "::", port: 7443),
            ])
        #expect(throws: DaemonError.self) { try Daemon.commandLineAddresses(["localhost:8443"]) }
    }
}
