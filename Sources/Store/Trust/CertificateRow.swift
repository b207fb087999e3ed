/// One `certificates` row: a client certificate in the trust store (LXD's `dbCluster.Certificate`).
public struct CertificateRow: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the certificate's DER encoding.
    public var fingerprint: String
    public var name: String
    /// `client` (the only type Berth issues); kept as text to read LXD's other types unchanged.
    public var type: String
    /// Restricted certificates reach only the projects in `projects` and nothing server-wide.
    public var restricted: Bool
    /// JSON array of project names, as served.
    public var projects: String
    /// PEM, as served in `certificate`.
    public var certificate: String
    public var createdAt: Int64

    public init(
        fingerprint: String, name: String, type: String, restricted: Bool, projects: String, certificate: String,
        createdAt: Int64
    ) {
        self.fingerprint = fingerprint
        self.name = name
        self.type = type
        self.restricted = restricted
        self.projects = projects
        self.certificate = certificate
        self.createdAt = createdAt
    }

    static let columns = "fingerprint, name, type, restricted, projects, certificate, created_at"

    init(_ row: Row) {
        self.init(
            fingerprint: row.string(at: 0), name: row.string(at: 1), type: row.string(at: 2),
            restricted: row.bool(at: 3), projects: row.string(at: 4), certificate: row.string(at: 5),
            createdAt: row.int64(at: 6))
    }

    var bindings: [(any SQLiteValueConvertible)?] {
        [fingerprint, name, type, restricted, projects, certificate, createdAt]
    }
}
