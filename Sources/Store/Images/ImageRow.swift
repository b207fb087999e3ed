/// One `images` row: an image in the local store, keyed by the sha256 of its file.
public struct ImageRow: Sendable, Equatable {
    public var fingerprint: String
    /// `container` (or `virtual-machine` later).
    public var type: String
    public var filename: String
    public var size: Int64
    public var architecture: String
    public var isPublic: Bool
    public var autoUpdate: Bool
    /// JSON object of strings, as served.
    public var properties: String
    /// JSON array of profile names, as served.
    public var profiles: String
    /// From the image's `metadata.yaml` (`creation_date`); nil when it has none.
    public var createdAt: Int64?
    public var uploadedAt: Int64
    public var lastUsedAt: Int64?

    public init(
        fingerprint: String, type: String, filename: String, size: Int64, architecture: String, isPublic: Bool,
        autoUpdate: Bool, properties: String, profiles: String, createdAt: Int64?, uploadedAt: Int64,
        lastUsedAt: Int64?
    ) {
        self.fingerprint = fingerprint
        self.type = type
        self.filename = filename
        self.size = size
        self.architecture = architecture
        self.isPublic = isPublic
        self.autoUpdate = autoUpdate
        self.properties = properties
        self.profiles = profiles
        self.createdAt = createdAt
        self.uploadedAt = uploadedAt
        self.lastUsedAt = lastUsedAt
    }

    static let columns =
        "fingerprint, type, filename, size, architecture, public, auto_update, properties, profiles, created_at, "
        + "uploaded_at, last_used_at"

    init(_ row: Row) {
        self.init(
            fingerprint: row.string(at: 0), type: row.string(at: 1), filename: row.string(at: 2),
            size: row.int64(at: 3), architecture: row.string(at: 4), isPublic: row.bool(at: 5),
            autoUpdate: row.bool(at: 6), properties: row.string(at: 7), profiles: row.string(at: 8),
            createdAt: row.optionalInt64(at: 9), uploadedAt: row.int64(at: 10), lastUsedAt: row.optionalInt64(at: 11))
    }

    var bindings: [(any SQLiteValueConvertible)?] {
        [
            fingerprint, type, filename, size, architecture, isPublic, autoUpdate, properties, profiles, createdAt,
            uploadedAt, lastUsedAt,
        ]
    }
}
