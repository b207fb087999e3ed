import Foundation
import HTTP
import Server
import Store
import Synchronization

/// The trust store as the request path reads it: certificates by fingerprint and API tokens by id,
/// held in memory (LXD's `certificateCache`) so that deciding who a caller is never waits on the
/// database. Every change to the tables is followed by `reload()`.
public final class TrustStore: Sendable {
    struct Snapshot: Sendable {
        var certificates: [String: Identity.TrustedCertificate] = [:]
        var tokens: [String: APITokenRow] = [:]
    }

    let database: Database
    /// The group whose members the unix socket trusts besides root: the socket file's group, as
    /// LXD trusts whoever may open its socket (`SocketGroup=` under systemd).
    private let trustedGroup: Atomic<UInt32>
    private let snapshot = Mutex(Snapshot())

    public init(database: Database, trustedGroupID: UInt32 = getegid()) {
        self.database = database
        trustedGroup = Atomic(trustedGroupID)
        // A store that cannot be read trusts no certificate and no token: the failure is closed.
        try? reload()
    }

    /// Trusts the members of `groupID` on the unix socket from now on (the group of the socket
    /// file, known once the listener is up).
    public func trustUnixSocketGroup(_ groupID: UInt32) { trustedGroup.store(groupID, ordering: .relaxed) }

    /// Re-reads both tables; call after every change to them.
    public func reload() throws {
        let (certificates, tokens) = try database.read { connection in
            (try connection.certificates(), try connection.apiTokens())
        }
        var fresh = Snapshot()
        for row in certificates where row.type == "client" {
            fresh.certificates[row.fingerprint] = Identity.TrustedCertificate(
                fingerprint: row.fingerprint, name: row.name, restricted: row.restricted,
                projects: Self.projects(row.projects))
        }
        for row in tokens { fresh.tokens[row.id] = row }
        snapshot.withLock { $0 = fresh }
    }

    /// Who sent a request (LXD's `Authenticate`): unix peers by SO_PEERCRED, TLS clients by their
    /// certificate, then by an `Authorization: Bearer` API token; plain TCP callers are untrusted.
    public func identify(_ context: RequestContext, headers: HTTPHeaders, now: Int64) -> Identity {
        switch context.transport {
        case .unix:
            guard case .unix(let uid, let gid, let pid) = context.peer else { return .untrusted }
            let group = trustedGroup.load(ordering: .relaxed)
            if uid == 0 || uid == geteuid() || gid == group || Self.supplementaryGroups(of: pid).contains(group) {
                return .local(uid: uid)
            }
            return .untrusted
        case .tcp:
            return .untrusted
        case .tls:
            let current = snapshot.withLock { $0 }
            if let presented = context.peerCertificate, let trusted = current.certificates[presented.fingerprint] {
                return .certificate(trusted)
            }
            guard let header = headers["Authorization"], header.hasPrefix("Bearer "),
                let presented = APITokenSecret(
                    parsing: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)),
                let row = current.tokens[presented.id], presented.matches(storedHash: row.secretHash),
                row.expiresAt.map({ now < $0 }) ?? true, let scope = APITokenScope(rawValue: row.scope)
            else { return .untrusted }
            return .token(Identity.TrustedToken(id: row.id, name: row.name, scope: scope))
        }
    }

    /// Whether `fingerprint` is a trusted client certificate now.
    public func isTrusted(fingerprint: String) -> Bool {
        snapshot.withLock { $0.certificates[fingerprint] != nil }
    }

    static func projects(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}
