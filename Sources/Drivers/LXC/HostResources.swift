import Foundation

/// What the host has, for the limits given relative to it: `limits.memory: 50%` and
/// `limits.cpu: 2` (the first two online CPUs).
struct HostResources: Sendable, Equatable {
    /// MemTotal in bytes; nil when /proc/meminfo cannot be read.
    var memory: UInt64?
    /// The online CPUs; nil when /sys cannot be read.
    var onlineCPUs: CPUSet?

    /// This host's, read from /proc and /sys. Blocking.
    static func current() -> HostResources {
        HostResources(memory: memoryTotal(), onlineCPUs: online())
    }

    /// Blocking.
    static func memoryTotal() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") })
        else { return nil }
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) }
        return kilobytes.map { $0 * 1024 }
    }

    private static func online() -> CPUSet? {
        guard let text = try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8) else {
            return nil
        }
        return CPUSet(parsing: text)
    }
}
