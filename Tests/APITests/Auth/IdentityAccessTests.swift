import HTTP
import Testing

@testable import API

@Suite struct IdentityAccessTests {
    static let admin = Identity.certificate(.init(fingerprint: "a", name: "a", restricted: false, projects: []))
    static let restricted = Identity.certificate(
        .init(fingerprint: "r", name: "r", restricted: true, projects: ["default"]))
    static let elsewhere = Identity.certificate(.init(fingerprint: "e", name: "e", restricted: true, projects: ["p"]))
    static let readOnly = Identity.token(.init(id: "t1", name: "ro", scope: .readOnly))
    static let adminToken = Identity.token(.init(id: "t2", name: "rw", scope: .admin))
    static let local = Identity.local(uid: 1000)

    /// Rows: identity; columns: untrusted, authenticated, view, operate, admin, local (for a GET).
    static let table: [(Identity, [Bool])] = [
        (.untrusted, [true, false, false, false, false, false]),
        (local, [true, true, true, true, true, true]),
        (admin, [true, true, true, true, true, false]),
        (restricted, [true, true, true, true, false, false]),
        (elsewhere, [true, true, false, false, false, false]),
        (readOnly, [true, true, true, false, false, false]),
        (adminToken, [true, true, true, true, true, false]),
    ]

    @Test func eachIdentityGetsItsColumnOfTheMatrix() {
        let rules: [Access] = [.untrusted, .authenticated, .view, .operate, .admin, .local]
        for (identity, allowed) in Self.table {
            for (access, expected) in zip(rules, allowed) {
                #expect(
                    identity.permits(access, method: .get, project: "default") == expected,
                    "\(identity) \(access)")
            }
        }
    }

    @Test func readOnlyTokensChangeNothingWhateverTheRule() {
        for method in [HTTPMethod.post, .put, .patch, .delete] {
            for access in Access.allCases {
                #expect(!Self.readOnly.permits(access, method: method, project: "default"))
            }
        }
        #expect(Self.readOnly.permits(.view, method: .head, project: "default"))
        #expect(Self.adminToken.permits(.operate, method: .post, project: "default"))
    }

    @Test func restrictedCertificatesReachOnlyTheirProjects() {
        #expect(Self.restricted.permits(.operate, method: .post, project: "default"))
        #expect(!Self.restricted.permits(.view, method: .get, project: "other"))
        #expect(Self.elsewhere.permits(.view, method: .get, project: "p"))
        #expect(!Self.restricted.isAdmin && Self.admin.isAdmin && !Self.readOnly.isAdmin)
    }
}
