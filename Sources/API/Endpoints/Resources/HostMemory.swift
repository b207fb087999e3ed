import Foundation
import JSON

/// The host's memory as `GET /1.0/resources` reports it (LXD's `api.ResourcesMemory`), from
/// `/proc/meminfo`.
struct HostMemory: Sendable, Equatable {
    /// `MemTotal`, in bytes.
    var total: UInt64
    /// As LXD counts it: what is neither free nor reclaimable page cache or buffers.
    var used: UInt64
    var hugepagesTotal: UInt64
    var hugepagesUsed: UInt64
    var hugepageSize: UInt64

    /// Values in `/proc/meminfo` are kB (KiB) unless they are counts (`HugePages_*`).
    static func parse(meminfo: String) -> HostMemory {
        var values: [String: UInt64] = [:]
        for line in meminfo.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let parts = line[line.index(after: colon)...].split(separator: " ")
            guard let number = parts.first.flatMap({ UInt64($0) }) else { continue }
            values[String(line[..<colon])] = parts.count > 1 && parts[1] == "kB" ? number * 1024 : number
        }
        let total = values["MemTotal"] ?? 0
        let reclaimable = (values["MemFree"] ?? 0) + (values["Buffers"] ?? 0) + (values["Cached"] ?? 0)
        let pageSize = values["Hugepagesize"] ?? 0
        let pages = values["HugePages_Total"] ?? 0
        return HostMemory(
            total: total, used: total > reclaimable ? total - reclaimable : 0, hugepagesTotal: pages * pageSize,
            hugepagesUsed: (pages - min(pages, values["HugePages_Free"] ?? 0)) * pageSize, hugepageSize: pageSize)
    }

    var json: JSONValue {
        .object([
            ("hugepages_total", .int(Int(hugepagesTotal))), ("hugepages_used", .int(Int(hugepagesUsed))),
            ("hugepages_size", .int(Int(hugepageSize))), ("used", .int(Int(used))), ("total", .int(Int(total))),
        ])
    }
}
