/// One `instance_snapshots` row: a snapshot's name and the instance's writable fields as they were
/// when it was taken (what a restore puts back).
public struct SnapshotRow: Sendable, Equatable {
    /// `creating` from the request until the driver's copy is complete; only `ready` rows are
    /// snapshots a client can see.
    public enum Phase: String, Sendable {
        case creating
        case ready
    }

    public var instance: String
    public var name: String
    public var project: String
    public var description: String
    public var architecture: String
    public var ephemeral: Bool
    public var stateful: Bool
    /// JSON object of strings, as served.
    public var config: String
    /// JSON object of device maps, as served.
    public var devices: String
    /// JSON array of profile names.
    public var profiles: String
    public var createdAt: Int64
    /// When the expiry job deletes it; nil: never.
    public var expiresAt: Int64?
    public var phase: Phase

    public init(
        instance: String, name: String, project: String, description: String, architecture: String, ephemeral: Bool,
        stateful: Bool, config: String, devices: String, profiles: String, createdAt: Int64, expiresAt: Int64?,
        phase: Phase
    ) {
        self.instance = instance
        self.name = name
        self.project = project
        self.description = description
        self.architecture = architecture
        self.ephemeral = ephemeral
        self.stateful = stateful
        self.config = config
        self.devices = devices
        self.profiles = profiles
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.phase = phase
    }

    static let columns =
        "instance, name, project, description, architecture, ephemeral, stateful, config, devices, profiles, "
        + "created_at, expires_at, phase"

    init(_ row: Row) {
        self.init(
            instance: row.string(at: 0), name: row.string(at: 1), project: row.string(at: 2),
            description: row.string(at: 3), architecture: row.string(at: 4), ephemeral: row.bool(at: 5),
            stateful: row.bool(at: 6), config: row.string(at: 7), devices: row.string(at: 8),
            profiles: row.string(at: 9), createdAt: row.int64(at: 10), expiresAt: row.optionalInt64(at: 11),
            phase: Phase(rawValue: row.string(at: 12)) ?? .creating)
    }

    var bindings: [(any SQLiteValueConvertible)?] {
        [
            instance, name, project, description, architecture, ephemeral, stateful, config, devices, profiles,
            createdAt, expiresAt, phase.rawValue,
        ]
    }
}
