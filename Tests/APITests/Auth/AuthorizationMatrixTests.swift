import Foundation
import HTTP
import Testing

@testable import API

/// The authorization matrix over the real route table: every route and method, for every kind of
/// caller. The expected rule of each route is written here, apart from the code, so a new route
/// fails this suite until someone decides (and writes down) who may call it.
@Suite(.serialized) struct AuthorizationMatrixTests {
    /// What each route must require: this suite's copy of the policy.
    static let expected: [String: Access] = {
        var table: [String: Access] = [
            "GET /": .untrusted, "PUT /": .untrusted, "POST /": .untrusted, "PATCH /": .untrusted,
            "DELETE /": .untrusted,
            "GET /1.0": .untrusted, "PUT /1.0": .admin, "PATCH /1.0": .admin,
            "GET /1.0/openapi.yaml": .authenticated,
            "GET /1.0/metrics": .view, "GET /1.0/resources": .authenticated,
            "GET /1.0/events": .authenticated,
            "GET /1.0/operations": .authenticated, "GET /1.0/operations/{id}": .authenticated,
            "DELETE /1.0/operations/{id}": .operate, "GET /1.0/operations/{id}/wait": .authenticated,
            "GET /1.0/operations/{id}/log": .authenticated, "GET /1.0/operations/{id}/websocket": .operate,
            "GET /1.0/certificates": .authenticated, "POST /1.0/certificates": .untrusted,
            "GET /1.0/certificates/{fingerprint}": .authenticated,
            "PUT /1.0/certificates/{fingerprint}": .authenticated,
            "PATCH /1.0/certificates/{fingerprint}": .authenticated, "DELETE /1.0/certificates/{fingerprint}": .admin,
            "GET /1.0/auth/tokens": .local, "POST /1.0/auth/tokens": .local, "GET /1.0/auth/tokens/{id}": .local,
            "DELETE /1.0/auth/tokens/{id}": .local,
            "GET /1.0/images": .view, "POST /1.0/images": .operate, "GET /1.0/images/{fingerprint}": .view,
            "PUT /1.0/images/{fingerprint}": .operate, "PATCH /1.0/images/{fingerprint}": .operate,
            "DELETE /1.0/images/{fingerprint}": .operate,
            "GET /1.0/images/aliases": .view, "POST /1.0/images/aliases": .operate,
            "GET /1.0/images/aliases/{name}": .view, "PUT /1.0/images/aliases/{name}": .operate,
            "POST /1.0/images/aliases/{name}": .operate, "PATCH /1.0/images/aliases/{name}": .operate,
            "DELETE /1.0/images/aliases/{name}": .operate,
            "GET /1.0/vz": .view, "POST /1.0/vz": .operate, "GET /1.0/vz/{name}": .view, "PUT /1.0/vz/{name}": .operate,
            "DELETE /1.0/vz/{name}": .operate, "GET /1.0/vz/{name}/state": .view, "PUT /1.0/vz/{name}/state": .operate,
            "GET /1.0/profiles": .view, "GET /1.0/profiles/{name}": .view, "GET /1.0/storage-pools": .view,
            "GET /1.0/storage-pools/{name}": .view,
        ]
        for base in ["/1.0/instances", "/1.0/containers"] {
            let instance: [String: Access] = [
                "GET ": .view, "POST ": .operate, "GET /{name}": .view, "PUT /{name}": .operate,
                "POST /{name}": .operate, "PATCH /{name}": .operate, "DELETE /{name}": .operate,
                "GET /{name}/state": .view, "PUT /{name}/state": .operate, "POST /{name}/exec": .operate,
                "POST /{name}/console": .operate, "GET /{name}/console": .view, "DELETE /{name}/console": .operate,
                "GET /{name}/logs": .view, "GET /{name}/logs/{file}": .view, "DELETE /{name}/logs/{file}": .operate,
                "GET /{name}/snapshots": .view, "POST /{name}/snapshots": .operate,
                "GET /{name}/snapshots/{snapshot}": .view, "PUT /{name}/snapshots/{snapshot}": .operate,
                "POST /{name}/snapshots/{snapshot}": .operate, "PATCH /{name}/snapshots/{snapshot}": .operate,
                "DELETE /{name}/snapshots/{snapshot}": .operate, "GET /{name}/files": .view,
                "POST /{name}/files": .operate, "DELETE /{name}/files": .operate,
            ]
            for (key, access) in instance {
                let parts = key.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                table["\(parts[0]) \(base)\(parts[1])"] = access
            }
        }
        return table
    }()

    /// The callers, and what each may do under each rule (GET; read-only tokens never change
    /// anything). Written out rather than computed by `Identity.permits`, which is what is tested.
    enum Caller: CaseIterable {
        case noCertificate, untrustedCertificate, trustedCertificate, restrictedCertificate, revokedCertificate
        case readOnlyToken, adminToken, unixRoot, unixStranger, plainTCP

        var name: String {
            switch self {
            case .noCertificate: "no certificate"
            case .untrustedCertificate: "untrusted certificate"
            case .trustedCertificate: "trusted certificate"
            case .restrictedCertificate: "restricted certificate"
            case .revokedCertificate: "revoked certificate"
            case .readOnlyToken: "read-only token"
            case .adminToken: "admin token"
            case .unixRoot: "unix root"
            case .unixStranger: "unix stranger"
            case .plainTCP: "plain TCP"
            }
        }

        var allowed: Set<Access> {
            switch self {
            case .noCertificate, .untrustedCertificate, .revokedCertificate, .unixStranger, .plainTCP: [.untrusted]
            case .trustedCertificate, .adminToken: [.untrusted, .authenticated, .view, .operate, .admin]
            case .restrictedCertificate: [.untrusted, .authenticated, .view, .operate]
            case .readOnlyToken: [.untrusted, .authenticated, .view]
            case .unixRoot: Set(Access.allCases)
            }
        }

        func mayCall(_ access: Access, _ method: HTTPMethod) -> Bool {
            if self == .readOnlyToken && method != .get { return false }
            return allowed.contains(access)
        }
    }

    @Test func everyRouteHasTheRuleThePolicySays() async throws {
        let harness = try await TrustHarness()
        var seen: Set<String> = []
        for route in harness.responder.router.routes {
            let key = "\(route.method.rawValue) \(route.path)"
            seen.insert(key)
            #expect(Self.expected[key] != nil, "\(key) has no expected rule in this suite: decide who may call it")
            if let expected = Self.expected[key] { #expect(route.access == expected, "\(key)") }
        }
        #expect(Set(Self.expected.keys).subtracting(seen).isEmpty, "routes the policy names but nobody serves")
        await harness.close()
    }

    @Test func everyCallerGetsExactlyItsColumnOnEveryRoute() async throws {
        let harness = try await TrustHarness()
        let callers = try await Self.callers(harness)
        for route in harness.responder.router.routes {
            // Parameters that name nothing: handlers that are reached answer 4xx without side effects.
            let target =
                route.path.replacingOccurrences(of: "{fingerprint}", with: "0000").replacingOccurrences(
                    of: "{id}", with: "00000000-0000-0000-0000-000000000000"
                ).replacingOccurrences(of: "{name}", with: "nothing").replacingOccurrences(of: "{snapshot}", with: "s")
                .replacingOccurrences(of: "{file}", with: "f.log")
            for caller in Caller.allCases {
                let result = await harness.send(route.method, target, as: callers[caller] ?? .tcp)
                let refused = result.status == 403 && result.error == "not authorized"
                let expectedRefusal = !caller.mayCall(route.access, route.method)
                #expect(
                    refused == expectedRefusal,
                    "\(route.method.rawValue) \(route.path) as \(caller.name): \(result.status) \(result.text)")
                if refused { #expect(result.json["error_code"] as? Int == 403) }
            }
        }
        await harness.close()
    }

    @Test func untrustedCallersCannotTellPathsApart() async throws {
        let harness = try await TrustHarness()
        for target in ["/1.0/nothing", "/1.0/instances/c1/nothing", "/2.0"] {
            #expect(await harness.send(.get, target, as: .tcp).status == 403)
            #expect(await harness.send(.get, target).status == 404)
        }
        #expect(await harness.send(.post, "/1.0", as: .tcp).status == 403)
        #expect(await harness.send(.post, "/1.0").status == 501)
        await harness.close()
    }

    /// One identity per column: certificates in (and out of) the trust store, tokens made through
    /// the API itself.
    static func callers(_ harness: TrustHarness) async throws -> [Caller: TrustHarness.Caller] {
        let certificates = TestCertificate.shared
        for (certificate, restricted) in [(certificates[0], false), (certificates[1], true), (certificates[3], false)] {
            let body = """
                {"type":"client","certificate":"\(certificate.base64)","restricted":\(restricted),\
                "projects":\(restricted ? "[\"default\"]" : "[]")}
                """
            let added = await harness.send(.post, "/1.0/certificates", body: body)
            #expect(added.status == 201, "\(added.text)")
        }
        #expect(await harness.send(.delete, "/1.0/certificates/\(certificates[3].fingerprint)").status == 200)
        func token(_ scope: String) async throws -> String {
            let made = await harness.send(.post, "/1.0/auth/tokens", body: #"{"name":"t","scope":"\#(scope)"}"#)
            let metadata = try #require(made.metadata as? [String: Any])
            return try #require(metadata["token"] as? String)
        }
        return [
            .noCertificate: .tls(certificate: nil),
            .untrustedCertificate: .tls(certificate: certificates[2]),
            .trustedCertificate: .tls(certificate: certificates[0]),
            .restrictedCertificate: .tls(certificate: certificates[1]),
            .revokedCertificate: .tls(certificate: certificates[3]),
            .readOnlyToken: .tls(certificate: nil, bearer: try await token("read-only")),
            .adminToken: .tls(certificate: nil, bearer: try await token("admin")),
            .unixRoot: .root,
            .unixStranger: .unix(uid: 54321, gid: 54321),
            .plainTCP: .tcp,
        ]
    }
}
