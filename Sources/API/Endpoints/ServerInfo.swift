import JSON

/// Builds the `GET /1.0` server object (LXD's `api.Server`) in LXD's field order: `config`, then the
/// untrusted part, then `environment`.
public struct ServerInfo: Sendable {
    public let host: HostFacts
    /// The addresses the API listens on over the network (`environment.addresses`).
    public var addresses: [String]
    /// The server's TLS certificate (PEM) and the SHA-256 of its DER, which `lxc remote add`
    /// compares with what the handshake presented; empty when the daemon has none.
    public let certificate: String
    public let certificateFingerprint: String
    /// The instance drivers this host has, as LXD names them (`lxc`, `qemu`), with their versions.
    public var drivers: [(name: String, version: String)] = []
    /// How virtual machines are run (`kvm` or `tcg`); nil without a virtual machine driver.
    public var virtualMachineAccelerator: String?

    public init(host: HostFacts, addresses: [String], certificate: String = "", certificateFingerprint: String = "") {
        self.host = host
        self.addresses = addresses
        self.certificate = certificate
        self.certificateFingerprint = certificateFingerprint
    }

    /// The fields untrusted callers may see (LXD's `api.ServerUntrusted`).
    public func untrusted() -> JSONValue {
        .object(untrustedMembers(auth: "untrusted"))
    }

    public func trusted(config: [String: String]) -> JSONValue {
        .object(
            [("config", .sortedObject(config))] + untrustedMembers(auth: "trusted") + [("environment", environment())])
    }

    private func untrustedMembers(auth: String) -> [(String, JSONValue)] {
        [
            ("api_extensions", .strings(APIExtensions.implemented)),
            ("api_status", .string("stable")),
            ("api_version", .string("1.0")),
            ("auth", .string(auth)),
            ("public", .bool(false)),
            ("auth_methods", .strings(["tls"])),
        ]
    }

    /// Only what is true of this host and this daemon: no storage driver is reported until one
    /// exists. `vm_accelerator` is Berth's: LXD has no way to say its VMs are emulated.
    private func environment() -> JSONValue {
        .object(
            [
                ("addresses", .strings(addresses)),
                ("architectures", .strings(host.architectures)),
                ("certificate", .string(certificate)),
                ("certificate_fingerprint", .string(certificateFingerprint)),
                ("driver", .string(drivers.map(\.name).joined(separator: " | "))),
                ("driver_version", .string(drivers.map(\.version).joined(separator: " | "))),
                ("firewall", .string("")),
                ("kernel", .string(host.kernel)),
                ("kernel_architecture", .string(host.kernelArchitecture)),
                ("kernel_features", .object([])),
                ("kernel_version", .string(host.kernelVersion)),
                ("lxc_features", .object([])),
                ("os_name", .string(host.osName)),
                ("os_version", .string(host.osVersion)),
                ("project", .string("default")),
                ("server", .string("berth")),
                ("server_clustered", .bool(false)),
                ("server_event_mode", .string("full-mesh")),
                ("server_name", .string(host.serverName)),
                ("server_pid", .int(Int(host.serverPID))),
                ("server_version", .string(BerthVersion.current)),
                ("storage", .string("")),
                ("storage_version", .string("")),
                ("storage_supported_drivers", .array([])),
                ("instance_types", .strings(instanceTypes)),
            ] + (virtualMachineAccelerator.map { [("vm_accelerator", JSONValue.string($0))] } ?? []))
    }

    /// LXD's instance types this host can run, from its drivers.
    private var instanceTypes: [String] {
        drivers.compactMap { driver in
            switch driver.name {
            case "lxc": "container"
            case "qemu": "virtual-machine"
            default: nil
            }
        }
    }
}
