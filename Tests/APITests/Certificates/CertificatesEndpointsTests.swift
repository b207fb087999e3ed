import Foundation
import HTTP
import Operations
import Testing

@testable import API

@Suite(.serialized) struct CertificatesEndpointsTests {
    static let certificates = TestCertificate.shared

    private func add(_ harness: TrustHarness, _ certificate: TestCertificate, name: String = "") async
        -> TrustHarness.Result
    {
        await harness.send(
            .post, "/1.0/certificates",
            body: #"{"type":"client","name":"\#(name)","certificate":"\#(certificate.base64)"}"#)
    }

    @Test func anAdminAddsListsReadsAndDeletesACertificate() async throws {
        let harness = try await TrustHarness()
        let certificate = Self.certificates[0]
        let added = await add(harness, certificate, name: "laptop")
        #expect(added.status == 201)
        #expect(added.response.headers["Location"] == "/1.0/certificates/\(certificate.fingerprint)")
        #expect(await add(harness, certificate).status == 409)

        let urls = await harness.send(.get, "/1.0/certificates")
        #expect(urls.metadata as? [String] == ["/1.0/certificates/\(certificate.fingerprint)"])
        let full = try #require(await harness.send(.get, "/1.0/certificates?recursion=1").metadata as? [[String: Any]])
        #expect(full.first?["name"] as? String == "laptop")
        #expect(full.first?["type"] as? String == "client")
        #expect(full.first?["restricted"] as? Bool == false)
        #expect(full.first?["projects"] as? [String] == [])
        #expect(full.first?["certificate"] as? String == (try X509Certificate(pem: certificate.pem)).pem)

        // Any unique prefix names it, as in LXD.
        let one = await harness.send(.get, "/1.0/certificates/\(certificate.fingerprint.prefix(8))")
        #expect((one.metadata as? [String: Any])?["fingerprint"] as? String == certificate.fingerprint)
        #expect(one.response.headers["ETag"] != nil)
        #expect(await harness.send(.get, "/1.0/certificates/ffff\(certificate.fingerprint)").status == 404)

        #expect(await harness.send(.delete, "/1.0/certificates/\(certificate.fingerprint)").status == 200)
        let gone = await harness.send(.get, "/1.0/certificates/\(certificate.fingerprint)")
        #expect(gone.status == 404 && gone.error == "Certificate not found")
        await harness.close()
    }

    @Test func theNameDefaultsToTheCommonNameAndBadMaterialIsRefused() async throws {
        let harness = try await TrustHarness()
        #expect(await add(harness, Self.certificates[1]).status == 201)
        let row = await harness.send(.get, "/1.0/certificates/\(Self.certificates[1].fingerprint)")
        #expect((row.metadata as? [String: Any])?["name"] as? String == "client1")
        let garbage = await harness.send(
            .post, "/1.0/certificates", body: #"{"type":"client","certificate":"bm90IGEgY2VydA=="}"#)
        #expect(garbage.status == 400 && garbage.error.hasPrefix("Invalid certificate material"))
        let expired = try TestCertificate.makeExpired()
        let old = await add(harness, expired)
        #expect(old.status == 400 && old.error == "The provided certificate is expired")
        let local = await harness.send(.post, "/1.0/certificates", body: #"{"type":"client"}"#)
        #expect(local.status == 400 && local.error == "Client is already trusted")
        await harness.close()
    }

    @Test func putAndPatchFollowTheETagAndRestrictToProjects() async throws {
        let harness = try await TrustHarness()
        let certificate = Self.certificates[0]
        _ = await add(harness, certificate, name: "a")
        let url = "/1.0/certificates/\(certificate.fingerprint)"
        let stale = await harness.send(.patch, url, body: #"{"name":"b"}"#, headers: ["If-Match": "\"nope\""])
        #expect(stale.status == 412)
        let etag = try #require(await harness.send(.get, url).response.headers["ETag"])
        let patched = await harness.send(
            .patch, url, body: #"{"restricted":true,"projects":["default"]}"#, headers: ["If-Match": etag])
        #expect(patched.status == 200)
        var current = try #require(await harness.send(.get, url).metadata as? [String: Any])
        #expect(current["name"] as? String == "a" && current["restricted"] as? Bool == true)
        #expect(current["projects"] as? [String] == ["default"])
        #expect(await harness.send(.put, url, body: #"{"name":"c","type":"client"}"#).status == 200)
        current = try #require(await harness.send(.get, url).metadata as? [String: Any])
        #expect(current["name"] as? String == "c" && current["restricted"] as? Bool == false)
        let nowhere = await harness.send(.patch, url, body: #"{"projects":["elsewhere"]}"#)
        #expect(nowhere.status == 404)
        await harness.close()
    }

    @Test func aRestrictedCertificateMayNotWidenItself() async throws {
        let harness = try await TrustHarness()
        let certificate = Self.certificates[1]
        let body = #"{"type":"client","restricted":true,"projects":["default"],"certificate":"\#(certificate.base64)"}"#
        #expect(await harness.send(.post, "/1.0/certificates", body: body).status == 201)
        let url = "/1.0/certificates/\(certificate.fingerprint)"
        let widened = await harness.send(
            .patch, url, body: #"{"restricted":false}"#, as: .tls(certificate: certificate))
        #expect(widened.status == 403 && widened.error == "Only the certificate can be changed")
        let other = await harness.send(
            .post, "/1.0/certificates", body: #"{"type":"client","certificate":"\#(Self.certificates[2].base64)"}"#,
            as: .tls(certificate: certificate))
        #expect(other.status == 403)
        #expect(await harness.send(.delete, url, as: .tls(certificate: certificate)).status == 403)
        #expect(await harness.send(.get, "/1.0/certificates", as: .tls(certificate: certificate)).status == 200)
        await harness.close()
    }

    @Test func getServerSaysWhetherTheCallerIsTrusted() async throws {
        let harness = try await TrustHarness()
        _ = await add(harness, Self.certificates[0])
        let trusted = await harness.send(.get, "/1.0", as: .tls(certificate: Self.certificates[0]))
        #expect((trusted.metadata as? [String: Any])?["auth"] as? String == "trusted")
        #expect((trusted.metadata as? [String: Any])?["environment"] != nil)
        let untrusted = await harness.send(.get, "/1.0", as: .tls(certificate: Self.certificates[2]))
        #expect((untrusted.metadata as? [String: Any])?["auth"] as? String == "untrusted")
        #expect((untrusted.metadata as? [String: Any])?["environment"] == nil)
        #expect((untrusted.metadata as? [String: Any])?["config"] == nil)
        await harness.close()
    }
}
