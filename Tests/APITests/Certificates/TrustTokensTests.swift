import Foundation
import HTTP
import Operations
import Testing

@testable import API

/// `lxc config trust add` then `lxc remote add <token>`, as requests.
@Suite(.serialized) struct TrustTokensTests {
    static let certificates = TestCertificate.shared

    /// Issues a token over the unix socket and returns it encoded as `lxc` prints it, with its operation.
    private func issue(_ harness: TrustHarness, name: String = "ci", extra: String = "") async throws
        -> (token: String, operation: String, metadata: [String: Any])
    {
        let made = await harness.send(
            .post, "/1.0/certificates", body: #"{"name":"\#(name)","type":"client","token":true\#(extra)}"#)
        #expect(made.status == 202, "\(made.text)")
        let operation = try #require(made.metadata as? [String: Any])
        let metadata = try #require(operation["metadata"] as? [String: Any])
        let token = CertificateAddToken(
            clientName: name, fingerprint: try #require(metadata["fingerprint"] as? String),
            addresses: try #require(metadata["addresses"] as? [String]),
            secret: try #require(metadata["secret"] as? String),
            expiresAt: try #require(metadata["expiresAt"] as? String))
        return (token.encoded, try #require(operation["id"] as? String), metadata)
    }

    private func status(_ harness: TrustHarness, _ id: String) async -> String {
        let operation = await harness.send(.get, "/1.0/operations/\(id)")
        return (operation.metadata as? [String: Any])?["status"] as? String ?? "?"
    }

    private func waitUntilFinal(_ harness: TrustHarness, _ id: String) async -> String {
        let final = try? await harness.context.operations.wait(id: id, timeoutMilliseconds: 10_000)
        return final?.status.name ?? "?"
    }

    /// A token operation starts waiting a moment after its `202`.
    private func waitUntilRunning(_ harness: TrustHarness, _ id: String) async throws {
        for _ in 0..<200 where await status(harness, id) != "Running" { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func aTokenCarriesLXDsMetadataAndIsARunningTokenOperation() async throws {
        let harness = try await TrustHarness()
        let (_, id, metadata) = try await issue(harness)
        #expect(metadata["fingerprint"] as? String == TrustHarness.serverFingerprint)
        #expect(metadata["addresses"] as? [String] == ["127.0.0.1:8443"])
        #expect((metadata["secret"] as? String)?.count == 64)
        let request = try #require(metadata["request"] as? [String: Any])
        #expect(request["name"] as? String == "ci" && request["type"] as? String == "client")
        let expiresAt = try #require(Timestamp(rfc3339: metadata["expiresAt"] as? String ?? ""))
        #expect(abs(expiresAt.nanoseconds - Timestamp.now().nanoseconds - 86_400_000_000_000) < 60_000_000_000)

        // The stored operation (what other readers and the events see) does not give the secret away.
        try await waitUntilRunning(harness, id)
        let stored = try #require(await harness.send(.get, "/1.0/operations/\(id)").metadata as? [String: Any])
        #expect(stored["class"] as? String == "token")
        #expect(stored["status"] as? String == "Running")
        #expect(stored["may_cancel"] as? Bool == true)
        #expect((stored["metadata"] as? [String: Any])?["secret"] as? String == "")
        await harness.close()
    }

    @Test func anUntrustedClientRedeemsATokenOnceWithItsOwnCertificate() async throws {
        let harness = try await TrustHarness()
        let (token, id, _) = try await issue(harness, name: "laptop")
        let client = Self.certificates[0]
        #expect(await harness.send(.get, "/1.0/instances", as: .tls(certificate: client)).status == 403)
        let redeemed = await harness.send(
            .post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: .tls(certificate: client))
        #expect(redeemed.status == 201, "\(redeemed.text)")
        #expect(redeemed.response.headers["Location"] == "/1.0/certificates/\(client.fingerprint)")
        #expect(await waitUntilFinal(harness, id) == "Success")
        #expect(await harness.send(.get, "/1.0/instances", as: .tls(certificate: client)).status == 200)
        let row = try #require(
            await harness.send(.get, "/1.0/certificates/\(client.fingerprint)").metadata as? [String: Any])
        #expect(row["name"] as? String == "laptop")

        // Single use: the same token lets nobody else in.
        let again = await harness.send(
            .post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: .tls(certificate: Self.certificates[1]))
        #expect(again.status == 403 && again.error == "No matching certificate add operation found")
        await harness.close()
    }

    @Test func wrongSecretsPasswordsAndPlainTCPAreRefused() async throws {
        let harness = try await TrustHarness()
        let (token, id, _) = try await issue(harness)
        var forged = try #require(CertificateAddToken(encoded: token))
        forged.secret = String(repeating: "0", count: 64)
        let client = TrustHarness.Caller.tls(certificate: Self.certificates[2])
        let wrong = await harness.send(
            .post, "/1.0/certificates", body: #"{"password":"\#(forged.encoded)"}"#, as: client)
        #expect(wrong.status == 403)
        let password = await harness.send(.post, "/1.0/certificates", body: #"{"password":"hunter2"}"#, as: client)
        #expect(password.status == 403)
        #expect(await harness.send(.post, "/1.0/certificates", body: #"{"type":"client"}"#, as: client).status == 403)
        let asksForToken = await harness.send(
            .post, "/1.0/certificates", body: #"{"type":"client","token":true}"#, as: client)
        #expect(asksForToken.status == 403)
        // Redemption needs a TLS certificate to trust; without one the token is not spent.
        let plain = await harness.send(.post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: .tcp)
        #expect(plain.status == 400 && plain.error == "Can't use TLS data on non-TLS link")
        let bare = await harness.send(
            .post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: .tls(certificate: nil))
        #expect(bare.status == 400 && bare.error == "No client certificate provided")
        let expired = try TestCertificate.makeExpired()
        let old = await harness.send(
            .post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: .tls(certificate: expired))
        #expect(old.status == 400 && old.error == "The provided certificate is expired")
        try await waitUntilRunning(harness, id)
        #expect(await status(harness, id) == "Running")
        let redeemed = await harness.send(.post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: client)
        #expect(redeemed.status == 201)
        await harness.close()
    }

    @Test func aCancelledTokenIsNotRedeemable() async throws {
        let harness = try await TrustHarness()
        let (token, id, _) = try await issue(harness)
        #expect(await harness.send(.delete, "/1.0/operations/\(id)").status == 200)
        #expect(await waitUntilFinal(harness, id) == "Cancelled")
        let late = await harness.send(
            .post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: .tls(certificate: Self.certificates[0]))
        #expect(late.status == 403)
        await harness.close()
    }

    @Test func anExpiredTokenFailsItsOperationAndIsRefused() async throws {
        let harness = try await TrustHarness()
        let set = await harness.send(.patch, "/1.0", body: #"{"config":{"core.remote_token_expiry":"1S"}}"#)
        #expect(set.status == 200, "\(set.text)")
        let (token, id, _) = try await issue(harness)
        #expect(await waitUntilFinal(harness, id) == "Failure")
        let failed = try #require(await harness.send(.get, "/1.0/operations/\(id)").metadata as? [String: Any])
        #expect(failed["err"] as? String == "Token has expired")
        let late = await harness.send(
            .post, "/1.0/certificates", body: #"{"password":"\#(token)"}"#, as: .tls(certificate: Self.certificates[0]))
        #expect(late.status == 403)
        await harness.close()
    }

    @Test func tokensNeedANetworkAddressAndAClientType() async throws {
        let harness = try await TrustHarness(addresses: [])
        let none = await harness.send(.post, "/1.0/certificates", body: #"{"name":"x","type":"client","token":true}"#)
        #expect(none.status == 400 && none.error == "Can't issue token when server isn't listening on network")
        await harness.close()
        let listening = try await TrustHarness()
        let metrics = await listening.send(
            .post, "/1.0/certificates", body: #"{"name":"x","type":"metrics","token":true}"#)
        #expect(metrics.status == 400 && metrics.error == "Tokens can only be issued for client certificates")
        let both = await listening.send(
            .post, "/1.0/certificates", body: #"{"type":"client","token":true,"certificate":"AAAA"}"#)
        #expect(both.status == 400 && both.error == "Can't use certificate if token is requested")
        await listening.close()
    }
}
