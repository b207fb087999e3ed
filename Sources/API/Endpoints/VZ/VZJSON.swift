import Drivers
import Instances
import JSON
import Store

/// Instances in the `/1.0/vz` API's shape: hostname, config and a measured status.
enum VZJSON {
    static func instance(_ row: InstanceRow, state: InstanceRuntimeState, machine: InstanceMachine) -> JSONValue {
        .object([
            ("hostname", .string(row.name)),
            ("config", InstanceWritable(row).configJSON),
            (
                "status",
                .object([
                    ("status", .string(state.status.name)),
                    ("status_code", .int(state.status.code)),
                    (
                        "machine",
                        .array([
                            .object([
                                ("disk_space", .int(Int(clamping: machine.diskSpace))),
                                ("disk_usage", .int(Int(clamping: machine.diskUsage))),
                                ("memory", .int(Int(clamping: machine.memory))),
                                ("free_memory", .int(Int(clamping: machine.freeMemory))),
                                ("cpu_load", .double((machine.cpuLoad * 1000).rounded() / 1000)),
                                ("ip_address", .string(machine.ipAddress)),
                            ])
                        ])
                    ),
                ])
            ),
        ])
    }
}
