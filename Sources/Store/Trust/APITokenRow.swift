/// One `api_tokens` row: a Berth API token, by id, with only a hash of its secret.
public struct APITokenRow: Sendable, Equatable {
    /// The public part of the token (`berth_<id>_<secret>`), unique.
    public var id: String
    public var name: String
    /// `read-only` or `admin`.
    public var scope: String
    /// Lower-case hex SHA-256 of the secret part. The secret has 256 bits of entropy, so a plain hash
    /// is enough: there is nothing to guess that a slow hash would protect.
    public var secretHash: String
    public var createdAt: Int64
    /// Nanoseconds since the epoch after which the token is refused; nil: never.
    public var expiresAt: Int64?

    public init(id: String, name: String, scope: String, secretHash: String, createdAt: Int64, expiresAt: Int64?) {
        self.id = id
        self.name = name
        self.scope = scope
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    static let columns = "id, name, scope, secret_hash, created_at, expires_at"

    init(_ row: Row) {
        self.init(
            id: row.string(at: 0), name: row.string(at: 1), scope: row.string(at: 2), secretHash: row.string(at: 3),
            createdAt: row.int64(at: 4), expiresAt: row.optionalInt64(at: 5))
    }

    var bindings: [(any SQLiteValueConvertible)?] { [id, name, scope, secretHash, createdAt, expiresAt] }
}
