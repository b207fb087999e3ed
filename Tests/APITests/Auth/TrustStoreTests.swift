import Foundation
import HTTP
import Operations
import Server
import Store
import Testing

@testable import API

@Suite struct TrustStoreTests {
    private func withStore(_ body: (TrustStore, Database) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-trust-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database.open(path: directory + "/berth.db")
        try body(TrustStore(database: database, trustedGroupID: 4242), database)
    }

    private func context(_ transport: RequestContext.Transport, peer: Peer, certificate: TestCertificate? = nil)
        -> RequestContext
    {
        RequestContext(
            transport: transport, peer: peer,
            peerCertificate: certificate.map { PeerCertificate(fingerprint: $0.fingerprint, der: $0.der) },
            connectionID: 1, requestID: 1)
    }

    private let network = Peer.tcp(address: "192.0.2.1", port: 1)

    @Test func unixPeersAreTrustedWhenRootOrInTheSocketsGroup() throws {
        try withStore { store, _ in
            #expect(
                store.identify(context(.unix, peer: .unix(uid: 0, gid: 0, pid: 1)), headers: [:], now: 0)
                    == .local(uid: 0))
            #expect(
                store.identify(context(.unix, peer: .unix(uid: 1000, gid: 4242, pid: 1)), headers: [:], now: 0)
                    == .local(uid: 1000))
            let stranger = UInt32(geteuid()) == 1001 ? UInt32(1002) : 1001
            #expect(
                store.identify(context(.unix, peer: .unix(uid: stranger, gid: 1001, pid: 1)), headers: [:], now: 0)
                    == .untrusted)
        }
    }

    @Test func tlsClientsAreTrustedByFingerprintAndPlainTCPNever() throws {
        try withStore { store, database in
            let trusted = TestCertificate.shared[0]
            try database.write { connection in
                try connection.insertCertificate(
                    CertificateRow(
                        fingerprint: trusted.fingerprint, name: "ci", type: "client", restricted: true,
                        projects: "[\"default\"]", certificate: trusted.pem, createdAt: 1))
            }
            #expect(
                store.identify(context(.tls, peer: network, certificate: trusted), headers: [:], now: 0) == .untrusted)
            try store.reload()
            #expect(
                store.identify(context(.tls, peer: network, certificate: trusted), headers: [:], now: 0)
                    == .certificate(
                        .init(fingerprint: trusted.fingerprint, name: "ci", restricted: true, projects: ["default"])))
            #expect(
                store.identify(
                    context(.tls, peer: network, certificate: TestCertificate.shared[1]), headers: [:], now: 0)
                    == .untrusted)
            #expect(store.identify(context(.tls, peer: network), headers: [:], now: 0) == .untrusted)
            #expect(
                store.identify(context(.tcp, peer: network, certificate: trusted), headers: [:], now: 0) == .untrusted)
            try database.write { try $0.deleteCertificate(fingerprint: trusted.fingerprint) }
            try store.reload()
            #expect(
                store.identify(context(.tls, peer: network, certificate: trusted), headers: [:], now: 0) == .untrusted)
        }
    }

    @Test func bearerTokensCountOnTLSOnlyUntilTheyExpire() throws {
        try withStore { store, database in
            let secret = APITokenSecret.make()
            try database.write { connection in
                try connection.insertAPIToken(
                    APITokenRow(
                        id: secret.id, name: "ci", scope: "read-only", secretHash: secret.secretHash, createdAt: 0,
                        expiresAt: 1_000))
            }
            try store.reload()
            let bearer: HTTPHeaders = ["Authorization": "Bearer \(secret.token)"]
            let expected = Identity.token(.init(id: secret.id, name: "ci", scope: .readOnly))
            #expect(store.identify(context(.tls, peer: network), headers: bearer, now: 999) == expected)
            #expect(store.identify(context(.tls, peer: network), headers: bearer, now: 1_000) == .untrusted)
            #expect(store.identify(context(.tcp, peer: network), headers: bearer, now: 0) == .untrusted)
            let wrong = APITokenSecret(id: secret.id, secret: String(repeating: "0", count: 64))
            #expect(
                store.identify(
                    context(.tls, peer: network), headers: ["Authorization": "Bearer \(wrong.token)"], now: 0)
                    == .untrusted)
            #expect(
                store.identify(
                    context(.tls, peer: network), headers: ["Authorization": "Basic \(secret.token)"], now: 0)
                    == .untrusted)
        }
    }
}
