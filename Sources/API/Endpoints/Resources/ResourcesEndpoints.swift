import Drivers
import Foundation
import JSON

/// `GET /1.0/resources` (LXD's `api_resources.go`): the host's CPUs, memory and disks, the part of
/// LXD's `api.Resources` that `lxc info --resources` prints. GPUs, NICs, PCI and USB devices are
/// reported as none, in the shapes LXD's client decodes.
enum ResourcesEndpoints {
    static func endpoints(_ context: APIContext) -> [Endpoint] {
        [Endpoint("/1.0/resources", get: .deferred(.authenticated) { _ in .sync(try await report()) })]
    }

    /// Reads /proc and /sys off the cooperative pool: sysfs reads can block on a busy device.
    static func report(
        cpuinfo: String = "/proc/cpuinfo", meminfo: String = "/proc/meminfo", sysBlock: String = "/sys/block"
    ) async throws -> JSONValue {
        try await OffPool.run {
            let cpu = HostCPU.parse(
                cpuinfo: (try? String(contentsOfFile: cpuinfo, encoding: .utf8)) ?? "",
                architecture: HostFacts.machine)
            let memory = HostMemory.parse(meminfo: (try? String(contentsOfFile: meminfo, encoding: .utf8)) ?? "")
            let disks = HostDisk.scan(sysBlock: sysBlock)
            let none: (String) -> JSONValue = { key in .object([(key, .array([])), ("total", .int(0))]) }
            return .object([
                ("cpu", cpu.json), ("memory", memory.json), ("gpu", none("cards")), ("network", none("cards")),
                ("storage", .object([("disks", .array(disks.map(\.json))), ("total", .int(disks.count))])),
                ("usb", none("devices")), ("pci", none("devices")),
            ])
        }
    }
}
