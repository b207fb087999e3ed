import Foundation
import HTTP
import Operations
import Testing

@testable import API

@Suite(.serialized) struct AuthTokensEndpointsTests {
    private func make(_ harness: TrustHarness, _ body: String) async throws -> (token: String, id: String) {
        let made = await harness.send(.post, "/1.0/auth/tokens", body: body)
        #expect(made.status == 201, "\(made.text)")
        let metadata = try #require(made.metadata as? [String: Any])
        let id = try #require(metadata["id"] as? String)
        #expect(made.response.headers["Location"] == "/1.0/auth/tokens/\(id)")
        return (try #require(metadata["token"] as? String), id)
    }

    @Test func aTokenIsShownOnceListedWithoutItsSecretAndRevocable() async throws {
        let harness = try await TrustHarness()
        let (token, id) = try await make(harness, #"{"name":"ci","scope":"read-only"}"#)
        #expect(token.hasPrefix("berth_\(id)_"))
        let listed = try #require(await harness.send(.get, "/1.0/auth/tokens?recursion=1").metadata as? [[String: Any]])
        #expect(
            listed.count == 1 && listed[0]["name"] as? String == "ci" && listed[0]["scope"] as? String == "read-only")
        #expect(listed[0]["token"] == nil)
        #expect(
            !String(decoding: try JSONSerialization.data(withJSONObject: listed), as: UTF8.self).contains(
                token.suffix(64)))
        #expect(await harness.send(.get, "/1.0/auth/tokens").metadata as? [String] == ["/1.0/auth/tokens/\(id)"])

        let bearer = TrustHarness.Caller.tls(certificate: nil, bearer: token)
        #expect(await harness.send(.get, "/1.0/instances", as: bearer).status == 200)
        #expect(await harness.send(.delete, "/1.0/auth/tokens/\(id)").status == 200)
        #expect(await harness.send(.get, "/1.0/instances", as: bearer).status == 403)
        #expect(await harness.send(.get, "/1.0/auth/tokens/\(id)").status == 404)
        await harness.close()
    }

    @Test func readOnlyTokensReadAndAdminTokensChange() async throws {
        let harness = try await TrustHarness()
        let readOnly = TrustHarness.Caller.tls(
            certificate: nil, bearer: try await make(harness, #"{"name":"r","scope":"read-only"}"#).token)
        let admin = TrustHarness.Caller.tls(
            certificate: nil, bearer: try await make(harness, #"{"name":"a","scope":"admin"}"#).token)
        let server = await harness.send(.get, "/1.0", as: readOnly)
        #expect((server.metadata as? [String: Any])?["auth"] as? String == "trusted")
        #expect(await harness.send(.patch, "/1.0", body: #"{"config":{}}"#, as: readOnly).status == 403)
        #expect(await harness.send(.post, "/1.0/instances/c1/exec", body: "{}", as: readOnly).status == 403)
        #expect(await harness.send(.post, "/1.0/instances/c1/files?path=/x", body: "x", as: readOnly).status == 403)
        #expect(await harness.send(.patch, "/1.0", body: #"{"config":{}}"#, as: admin).status == 200)
        // Tokens manage tokens from the unix socket only.
        #expect(await harness.send(.get, "/1.0/auth/tokens", as: admin).status == 403)
        #expect(
            await harness.send(.post, "/1.0/auth/tokens", body: #"{"name":"x","scope":"admin"}"#, as: admin).status
                == 403)
        // Over plain TCP a bearer token is not even looked at.
        #expect(
            await harness.send(.get, "/1.0/instances", headers: ["Authorization": "Bearer x"], as: .tcp).status == 403)
        await harness.close()
    }

    @Test func anExpiredTokenIsUntrustedAndBadRequestsAreRefused() async throws {
        let harness = try await TrustHarness()
        let soon = Timestamp.now().adding(milliseconds: 300).description
        let (token, _) = try await make(harness, #"{"name":"brief","scope":"admin","expires_at":"\#(soon)"}"#)
        let caller = TrustHarness.Caller.tls(certificate: nil, bearer: token)
        #expect(await harness.send(.get, "/1.0/instances", as: caller).status == 200)
        try await Task.sleep(for: .milliseconds(400))
        #expect(await harness.send(.get, "/1.0/instances", as: caller).status == 403)
        for body in [
            #"{"scope":"admin"}"#, #"{"name":"x","scope":"root"}"#,
            #"{"name":"x","scope":"admin","expires_at":"soon"}"#,
            #"{"name":"x","scope":"admin","expires_at":"2001-01-01T00:00:00Z"}"#,
        ] {
            #expect(await harness.send(.post, "/1.0/auth/tokens", body: body).status == 400, "\(body)")
        }
        await harness.close()
    }

    @Test func networkCallersAreRateLimitedWithRetryAfter() async throws {
        let harness = try await TrustHarness()
        let set = await harness.send(
            .patch, "/1.0", body: #"{"config":{"core.rate_limit":"1","core.rate_limit_burst":"3"}}"#)
        #expect(set.status == 200, "\(set.text)")
        let caller = TrustHarness.Caller.tls(
            certificate: nil, bearer: try await make(harness, #"{"name":"r","scope":"read-only"}"#).token)
        for _ in 0..<3 { #expect(await harness.send(.get, "/1.0", as: caller).status == 200) }
        let limited = await harness.send(.get, "/1.0", as: caller)
        #expect(limited.status == 429 && limited.json["error_code"] as? Int == 429)
        #expect(limited.response.headers["Retry-After"] == "1")
        // Other callers have their own bucket; local callers have none.
        #expect(await harness.send(.get, "/1.0", as: .tcp).status == 200)
        for _ in 0..<10 { #expect(await harness.send(.get, "/1.0").status == 200) }
        await harness.close()
    }
}
