/// Who sent a request, decided once per request by `TrustStore.identify` from the transport, the
/// peer and the credentials (LXD's `Daemon.Authenticate`). What the caller may do follows from this
/// and the action's `Access` alone (`Identity+Access.swift`).
public enum Identity: Sendable, Equatable {
    /// A unix-socket peer that is root, the daemon's own user or in its group: full access.
    case local(uid: UInt32)
    /// A TLS client whose certificate is in the trust store.
    case certificate(TrustedCertificate)
    /// A TLS client with a valid `Authorization: Bearer` API token.
    case token(TrustedToken)
    /// Anyone else: plain TCP, TLS without a trusted credential, unix peers outside the group.
    case untrusted

    public struct TrustedCertificate: Sendable, Equatable {
        public let fingerprint: String
        public let name: String
        public let restricted: Bool
        public let projects: [String]

        public init(fingerprint: String, name: String, restricted: Bool, projects: [String]) {
            self.fingerprint = fingerprint
            self.name = name
            self.restricted = restricted
            self.projects = projects
        }
    }

    public struct TrustedToken: Sendable, Equatable {
        public let id: String
        public let name: String
        public let scope: APITokenScope

        public init(id: String, name: String, scope: APITokenScope) {
            self.id = id
            self.name = name
            self.scope = scope
        }
    }

    /// LXD's `auth: trusted`: any identity with a credential the server accepted.
    public var isTrusted: Bool { self != .untrusted }

    /// The key a caller's requests are rate-limited under; nil for local callers, who are not limited.
    var rateLimitKey: String? {
        switch self {
        case .local: nil
        case .certificate(let certificate): "certificate:" + certificate.fingerprint
        case .token(let token): "token:" + token.id
        case .untrusted: nil
        }
    }
}
