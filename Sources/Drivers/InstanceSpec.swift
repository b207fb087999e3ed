/// What a driver needs to make an instance: its name, whether it is privileged, and its LXD
/// config keys. A driver maps the keys it knows onto its runtime and ignores the rest; the API
/// decides which keys are valid.
public struct InstanceSpec: Sendable, Equatable {
    public var name: String
    /// `security.privileged`: container root is host root. Off by default, as in LXD: root in
    /// the container is an unprivileged host id from the subordinate range.
    public var privileged: Bool
    /// LXD config keys, e.g. `limits.memory: 256MiB` and `limits.processes: 200`.
    public var config: [String: String]

    public init(name: String, privileged: Bool = false, config: [String: String] = [:]) {
        self.name = name
        self.privileged = privileged
        self.config = config
    }
}
