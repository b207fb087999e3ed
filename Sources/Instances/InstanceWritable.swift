import Images
import JSON
import Store

/// What `PUT /1.0/instances/<name>` replaces (LXD's `api.InstancePut` without `restore` and
/// `stateful`), and what an instance's ETag is computed from.
public struct InstanceWritable: Sendable, Equatable {
    public var architecture: String
    public var description: String
    public var ephemeral: Bool
    public var config: [String: String]
    public var devices: [String: [String: String]]
    public var profiles: [String]

    public init(
        architecture: String, description: String, ephemeral: Bool, config: [String: String],
        devices: [String: [String: String]], profiles: [String]
    ) {
        self.architecture = architecture
        self.description = description
        self.ephemeral = ephemeral
        self.config = config
        self.devices = devices
        self.profiles = profiles
    }

    public init(_ row: InstanceRow) {
        let devices = (try? JSONValue.parse(row.devices))?.objectValue ?? []
        self.init(
            architecture: row.architecture, description: row.description, ephemeral: row.ephemeral,
            config: Self.strings((try? JSONValue.parse(row.config)) ?? .object([])),
            devices: Dictionary(devices.map { ($0.0, Self.strings($0.1)) }, uniquingKeysWith: { $1 }),
            profiles: ((try? JSONValue.parse(row.profiles))?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// The form operation payloads carry.
    public init(json: JSONValue) {
        let devices = json["devices"]?.objectValue ?? []
        self.init(
            architecture: json["architecture"]?.stringValue ?? "", description: json["description"]?.stringValue ?? "",
            ephemeral: json["ephemeral"]?.boolValue ?? false, config: Self.strings(json["config"] ?? .object([])),
            devices: Dictionary(devices.map { ($0.0, Self.strings($0.1)) }, uniquingKeysWith: { $1 }),
            profiles: (json["profiles"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    public var json: JSONValue {
        .object([
            ("architecture", .string(architecture)), ("description", .string(description)),
            ("ephemeral", .bool(ephemeral)), ("config", configJSON), ("devices", devicesJSON),
            ("profiles", profilesJSON),
        ])
    }

    /// LXD's instance ETag: the hash of `[architecture, config, devices, ephemeral, profiles]`
    /// (maps with sorted keys, as Go encodes them).
    public var etag: String {
        SHA256Digest.hex(
            of: JSONValue.array([.string(architecture), configJSON, devicesJSON, .bool(ephemeral), profilesJSON])
                .encoded)
    }

    /// These values with `current`'s volatile keys that they do not set: LXD keeps its runtime
    /// state across a replace of the config.
    public func keepingVolatileKeys(of current: InstanceWritable) -> InstanceWritable {
        var values = self
        for (key, value) in current.config where key.hasPrefix("volatile.") && values.config[key] == nil {
            values.config[key] = value
        }
        return values
    }

    /// `row` with these values.
    public func applied(to row: InstanceRow) -> InstanceRow {
        var row = row
        row.architecture = architecture
        row.description = description
        row.ephemeral = ephemeral
        row.config = String(decoding: configJSON.encoded, as: UTF8.self)
        row.devices = String(decoding: devicesJSON.encoded, as: UTF8.self)
        row.profiles = String(decoding: profilesJSON.encoded, as: UTF8.self)
        return row
    }

    /// `config` as served: an object with sorted keys.
    public var configJSON: JSONValue { Self.object(config) }

    var devicesJSON: JSONValue { .object(devices.sorted { $0.key < $1.key }.map { ($0.key, Self.object($0.value)) }) }

    var profilesJSON: JSONValue { .array(profiles.map { .string($0) }) }

    static func object(_ map: [String: String]) -> JSONValue {
        .object(map.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    static func strings(_ value: JSONValue) -> [String: String] {
        var map: [String: String] = [:]
        for (key, value) in value.objectValue ?? [] {
            if let text = value.stringValue { map[key] = text }
        }
        return map
    }
}
