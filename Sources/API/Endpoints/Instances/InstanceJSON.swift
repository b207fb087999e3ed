import Drivers
import Instances
import JSON
import Operations
import Store

/// Instances as LXD 5.0 serves them (`api.Instance`, `api.InstanceFull`, `api.InstanceState`).
enum InstanceJSON {
    /// The default profile's root disk: every instance has it until profiles can be edited.
    static let rootDisk: JSONValue = .object([
        ("root", .object([("path", .string("/")), ("pool", .string("default")), ("type", .string("disk"))]))
    ])

    static func instance(_ row: InstanceRow, status: InstanceRuntimeState.Status) -> JSONValue {
        let config = (try? JSONValue.parse(row.config)) ?? .object([])
        let devices = (try? JSONValue.parse(row.devices)) ?? .object([])
        var expandedDevices = rootDisk.objectValue ?? []
        for (key, value) in devices.objectValue ?? [] {
            expandedDevices.removeAll { $0.0 == key }
            expandedDevices.append((key, value))
        }
        return .object([
            ("architecture", .string(row.architecture)),
            ("config", config),
            ("devices", devices),
            ("ephemeral", .bool(row.ephemeral)),
            ("profiles", (try? JSONValue.parse(row.profiles)) ?? .array([])),
            ("stateful", .bool(row.stateful)),
            ("description", .string(row.description)),
            ("created_at", .string(Timestamp(nanoseconds: row.createdAt).description)),
            ("expanded_config", config),
            ("expanded_devices", .object(expandedDevices.sorted { $0.0 < $1.0 })),
            ("name", .string(row.name)),
            ("status", .string(status.name)),
            ("status_code", .int(status.code)),
            (
                "last_used_at",
                .string(row.lastUsedAt.map { Timestamp(nanoseconds: $0).description } ?? "1970-01-01T00:00:00Z")
            ),
            ("location", .string("none")),
            ("type", .string(row.type)),
            ("project", .string(row.project)),
        ])
    }

    /// `snapshots`: LXD's `InstanceSnapshot` objects, null when there are none (as LXD sends them).
    static func full(_ row: InstanceRow, state: InstanceRuntimeState, snapshots: [JSONValue] = []) -> JSONValue {
        var members = instance(row, status: state.status).objectValue ?? []
        members.append(("backups", .null))
        members.append(("state", self.state(state)))
        members.append(("snapshots", snapshots.isEmpty ? .null : .array(snapshots)))
        return .object(members)
    }

    static func state(_ state: InstanceRuntimeState) -> JSONValue {
        .object([
            ("status", .string(state.status.name)),
            ("status_code", .int(state.status.code)),
            ("disk", .object([])),
            (
                "memory",
                .object([
                    ("usage", .int(Int(state.memoryUsage))), ("usage_peak", .int(Int(state.memoryUsagePeak))),
                    ("swap_usage", .int(0)), ("swap_usage_peak", .int(0)),
                ])
            ),
            ("network", .object([])),
            ("pid", .int(Int(state.pid))),
            ("processes", .int(state.processes)),
            ("cpu", .object([("usage", .int(Int(state.cpuUsageNanoseconds)))])),
        ])
    }
}

extension InstanceRuntimeState.Status {
    /// LXD's status names and codes (`api.StatusCode`).
    var name: String {
        switch self {
        case .running: "Running"
        case .stopped: "Stopped"
        case .frozen: "Frozen"
        }
    }

    var code: Int {
        switch self {
        case .running: 103
        case .stopped: 102
        case .frozen: 110
        }
    }
}
