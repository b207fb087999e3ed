/// One `instances` row: what Berth knows of an instance besides its runtime state.
public struct InstanceRow: Sendable, Equatable {
    /// Where the row is in its own life: `creating` until the create operation has made the
    /// container, then `ready`.
    public enum Phase: String, Sendable {
        case creating
        case ready
    }

    public var name: String
    public var project: String
    public var type: String
    public var architecture: String
    public var description: String
    public var ephemeral: Bool
    public var stateful: Bool
    /// JSON object of strings (`config`), as served.
    public var config: String
    /// JSON object of device maps (`devices`), as served.
    public var devices: String
    /// JSON array of profile names.
    public var profiles: String
    public var imageFingerprint: String?
    public var createdAt: Int64
    public var lastUsedAt: Int64?
    public var phase: Phase

    public init(
        name: String, project: String, type: String, architecture: String, description: String, ephemeral: Bool,
        stateful: Bool, config: String, devices: String, profiles: String, imageFingerprint: String?,
        createdAt: Int64, lastUsedAt: Int64?, phase: Phase
    ) {
        self.name = name
        self.project = project
        self.type = type
        self.architecture = architecture
        self.description = description
        self.ephemeral = ephemeral
        self.stateful = stateful
        self.config = config
        self.devices = devices
        self.profiles = profiles
        self.imageFingerprint = imageFingerprint
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.phase = phase
    }

    static let columns =
        "name, project, type, architecture, description, ephemeral, stateful, config, devices, profiles, "
        + "image_fingerprint, created_at, last_used_at, phase"

    init(_ row: Row) {
        self.init(
            name: row.string(at: 0), project: row.string(at: 1), type: row.string(at: 2),
            architecture: row.string(at: 3), description: row.string(at: 4), ephemeral: row.bool(at: 5),
            stateful: row.bool(at: 6), config: row.string(at: 7), devices: row.string(at: 8),
            profiles: row.string(at: 9), imageFingerprint: row.optionalString(at: 10), createdAt: row.int64(at: 11),
            lastUsedAt: row.optionalInt64(at: 12), phase: Phase(rawValue: row.string(at: 13)) ?? .creating)
    }

    var bindings: [(any SQLiteValueConvertible)?] {
        [
            name, project, type, architecture, description, ephemeral, stateful, config, devices, profiles,
            imageFingerprint, createdAt, lastUsedAt, phase.rawValue,
        ]
    }
}
