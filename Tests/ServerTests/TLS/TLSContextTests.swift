import COpenSSL
import Foundation
import Testing

@testable import Server

/// The HTTPS policy as a client meets it: versions, suites, and the client certificate request.
@Suite struct TLSContextTests {
    @Test func theContextIsMadeWithTheFirstTLSListenerAndSharedByTheNext() throws {
        var configuration = ServerConfiguration()
        configuration.tls = TLSTestServer.identity
        let core = ServerCore(configuration: configuration, responder: TLSTestResponder())
        let path = "/tmp/berth-tls-lazy-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).socket"
        let unix = try core.bind(.unix(path: path))
        defer { unix.close() }
        let plain = try core.bind(.tcp(host: "127.0.0.1", port: 0))
        defer { plain.close() }
        #expect(!core.hasTLSContext)

        let first = try core.bind(.tls(host: "127.0.0.1", port: 0))
        defer { first.close() }
        let second = try core.bind(.tls(host: "127.0.0.1", port: 0))
        defer { second.close() }
        #expect(core.hasTLSContext)
        #expect(first.tls != nil && first.tls === second.tls)
        #expect(first.tls?.identity == TLSTestServer.identity)
    }

    @Test func aTLSListenerWithoutAnIdentityIsRefused() throws {
        let core = ServerCore(configuration: ServerConfiguration(), responder: TLSTestResponder())
        #expect(throws: SystemError.self) { _ = try core.bind(.tls(host: "127.0.0.1", port: 0)) }
        #expect(!core.hasTLSContext)
    }

    @Test func aModernClientGetsTLS13AndTheServersCertificate() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            #expect(client.protocolVersion == "TLSv1.3")
            #expect(client.serverFingerprint == TLSTestServer.identity.fingerprint)
        }
    }

    @Test func aClientWithoutACertificateIsServedWithNone() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            let response = try await client.request("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.text == "tls none")
        }
    }

    @Test(arguments: [TLS1_2_VERSION, TLS1_3_VERSION])
    func theClientCertificatesFingerprintReachesTheRequestContext(version: Int32) async throws {
        try await withTLSTestServer { server in
            var options = TLSTestClient.Options()
            options.certificate = TLSTestServer.clientIdentity
            options.minVersion = version
            options.maxVersion = version
            let client = try await server.client(options)
            let response = try await client.request("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.text == "tls \(TLSTestServer.clientIdentity.fingerprint)")
        }
    }

    @Test func tls11IsRefused() async throws {
        try await withTLSTestServer { server in
            var options = TLSTestClient.Options()
            options.minVersion = TLS1_1_VERSION
            options.maxVersion = TLS1_1_VERSION
            options.securityLevel = 0
            options.ciphers = "DEFAULT:@SECLEVEL=0"
            await #expect(throws: TLSTestClient.ClientError.self) { _ = try await server.client(options) }
        }
    }

    // Suites the server's EC key could sign for: CBC with SHA-1 and with SHA-384 (RSA key exchange
    // could never be chosen with this key, so offering it would prove nothing).
    @Test(arguments: ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384"])
    func aWeakTLS12SuiteIsRefused(cipher: String) async throws {
        try await withTLSTestServer { server in
            var options = TLSTestClient.Options()
            options.maxVersion = TLS1_2_VERSION
            options.ciphers = cipher
            options.securityLevel = 0
            await #expect(throws: TLSTestClient.ClientError.self) { _ = try await server.client(options) }
        }
    }

    @Test(arguments: [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
    ])
    func aModernTLS12SuiteIsAccepted(cipher: String) async throws {
        try await withTLSTestServer { server in
            var options = TLSTestClient.Options()
            options.maxVersion = TLS1_2_VERSION
            options.ciphers = cipher
            let client = try await server.client(options)
            #expect(client.protocolVersion == "TLSv1.2")
            #expect(client.cipher == cipher)
            #expect(try await client.request("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").text == "hello")
        }
    }
}
