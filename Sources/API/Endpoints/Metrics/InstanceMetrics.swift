import Drivers
import Foundation
import Instances
import Observability
import Store

/// Instances by type and status, and each running instance's CPU and memory under LXD's metric
/// names (`lxd_cpu_seconds_total`, `lxd_memory_*_bytes`, `lxd_procs_total`).
///
/// Berth reads one CPU counter per instance (its cgroup's total), so `lxd_cpu_seconds_total` has
/// no `cpu` or `mode` label: dashboards that sum over them (as LXD's does) read the same numbers.
/// Memory has no limit read here (that needs the slower measurements): `MemTotal` is the host's.
enum InstanceMetrics {
    static func write(_ service: InstanceService, into text: inout MetricsText) async {
        let rows = (try? service.instances(project: nil)) ?? []
        var states: [(row: InstanceRow, state: InstanceRuntimeState)] = []
        for row in rows { states.append((row, await service.state(row))) }

        text.family("berth_instances", .gauge, help: "Instances by type and status.")
        var counts: [String: Int] = [:]
        for (row, state) in states { counts[row.type + "\n" + name(state.status), default: 0] += 1 }
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            text.sample("berth_instances", [("type", parts[0]), ("status", parts[1])], count)
        }

        let running = states.filter { $0.state.status != .stopped }
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let hostMemory = HostMemory.parse(meminfo: meminfo).total
        text.family("lxd_cpu_seconds_total", .counter, help: "The total number of CPU time used in seconds.")
        for (row, state) in running {
            text.sample("lxd_cpu_seconds_total", labels(row), Double(state.cpuUsageNanoseconds) / 1e9)
        }
        text.family("lxd_memory_MemTotal_bytes", .gauge, help: "The amount of memory the instance may use.")
        for (row, _) in running { text.sample("lxd_memory_MemTotal_bytes", labels(row), Int(hostMemory)) }
        text.family("lxd_memory_MemFree_bytes", .gauge, help: "The amount of free memory.")
        for (row, state) in running {
            text.sample("lxd_memory_MemFree_bytes", labels(row), Int(hostMemory - min(hostMemory, state.memoryUsage)))
        }
        text.family("lxd_memory_MemAvailable_bytes", .gauge, help: "The amount of available memory.")
        for (row, state) in running {
            text.sample(
                "lxd_memory_MemAvailable_bytes", labels(row), Int(hostMemory - min(hostMemory, state.memoryUsage)))
        }
        text.family("lxd_procs_total", .gauge, help: "The number of running processes.")
        for (row, state) in running { text.sample("lxd_procs_total", labels(row), state.processes) }
    }

    private static func labels(_ row: InstanceRow) -> [(String, String)] {
        [("name", row.name), ("project", row.project), ("type", row.type)]
    }

    /// LXD's status names, as `GET /1.0/instances` shows them.
    private static func name(_ status: InstanceRuntimeState.Status) -> String {
        switch status {
        case .running: "Running"
        case .stopped: "Stopped"
        case .frozen: "Frozen"
        }
    }
}
