/// The LXD `limits.*` keys this driver applies, checked, in cgroup v1 terms: this kind of host is
/// v1 hybrid, and LXC ignores cgroup2 keys there. An absent or empty key sets no limit.
struct ResourceLimits: Equatable, Sendable {
    /// `limits.memory`, in bytes.
    var memory: UInt64?
    /// `limits.processes`.
    var processes: Int?
    /// `limits.cpu`: the CPUs the container may run on.
    var cpus: CPUSet?
    /// `limits.cpu.allowance` as a percentage: a weight against other cgroups (LXD's soft limit).
    var cpuShares: Int?
    /// `limits.cpu.allowance` as a time slice (`25ms/100ms`): a hard limit, in microseconds.
    var cpuQuota: Int?
    var cpuPeriod: Int?

    /// Throws `invalidConfig` for a value the driver cannot apply, with the same reasons for
    /// `check`, `create` and `reconfigure`.
    init(config: [String: String], host: HostResources) throws {
        if let value = Self.value("limits.memory", config) {
            memory = try Self.memory(value, hostMemory: host.memory)
        }
        if let value = Self.value("limits.processes", config) {
            guard let count = Int(value), count > 0 else {
                throw Self.invalid("limits.processes", value, "expected a positive integer")
            }
            processes = count
        }
        if let value = Self.value("limits.cpu", config) {
            cpus = try Self.cpus(value, online: host.onlineCPUs)
        }
        if let value = Self.value("limits.cpu.allowance", config) {
            try parseAllowance(value)
        }
    }

    /// The cgroup files of the limits that are set, for `lxc.cgroup.FILE = VALUE` lines.
    var configured: [(file: String, value: String)] {
        live.compactMap { setting in
            guard let value = setting.value, isSet(setting.file) else { return nil }
            return (setting.file, value)
        }
    }

    /// Every cgroup file this driver manages, for a running container: the limit, or what a
    /// cgroup without one has. A nil value is the parent cgroup's (`cpuset.cpus`, which the
    /// kernel requires to be set). The period comes before the quota it is a share of; memory
    /// comes last, as the one the kernel may refuse (below what the container uses), so that
    /// the others are undone with it.
    var live: [(file: String, value: String?)] {
        [
            ("pids.max", processes.map { "\($0)" } ?? "max"),
            ("cpuset.cpus", cpus?.description),
            ("cpu.shares", "\(cpuShares ?? Self.fullShares)"),
            ("cpu.cfs_period_us", "\(cpuPeriod ?? Self.defaultPeriod)"),
            ("cpu.cfs_quota_us", "\(cpuQuota ?? -1)"),
            ("memory.limit_in_bytes", memory.map { "\($0)" } ?? "-1"),
        ]
    }

    private func isSet(_ file: String) -> Bool {
        switch file {
        case "memory.limit_in_bytes": memory != nil
        case "pids.max": processes != nil
        case "cpuset.cpus": cpus != nil
        case "cpu.shares": cpuShares != nil
        default: cpuQuota != nil
        }
    }

    /// The kernel's default weight, which LXD gives 100%.
    private static let fullShares = 1024
    private static let defaultPeriod = 100_000

    private static func value(_ key: String, _ config: [String: String]) -> String? {
        guard let value = config[key], !value.isEmpty else { return nil }
        return value
    }

    private static func invalid(_ key: String, _ value: String, _ reason: String) -> InstanceDriverError {
        .invalidConfig(key: key, value: value, reason: reason)
    }

    /// A size (`256MiB`, `1GB`) or a percentage of the host's memory.
    private static func memory(_ value: String, hostMemory: UInt64?) throws -> UInt64 {
        if value.hasSuffix("%") {
            guard let percent = UInt64(value.dropLast()), (1...100).contains(percent), let hostMemory else {
                throw invalid("limits.memory", value, "expected a percentage from 1% to 100%")
            }
            return hostMemory / 100 * percent
        }
        guard let bytes = ByteSize.parse(value), bytes > 0 else {
            throw invalid("limits.memory", value, "expected a size such as 256MiB or 1GB, or a percentage")
        }
        return bytes
    }

    /// LXD's two forms: a number of CPUs (here the first N online ones) or a set such as `0-1`
    /// or `0,2`, which must name online CPUs: the kernel refuses others when the cgroup is made.
    private static func cpus(_ value: String, online: CPUSet?) throws -> CPUSet {
        let expected = "expected a number of CPUs or a set of CPUs such as 0-1 or 0,2"
        if value.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let count = Int(value), count > 0 else { throw invalid("limits.cpu", value, expected) }
            guard let online else { throw invalid("limits.cpu", value, "the host's online CPUs are unknown") }
            guard count <= online.cpus.count else {
                throw invalid("limits.cpu", value, "the host has \(online.cpus.count) CPUs online (\(online))")
            }
            return CPUSet(online.cpus.prefix(count))
        }
        guard let set = CPUSet(parsing: value) else { throw invalid("limits.cpu", value, expected) }
        guard let online else { throw invalid("limits.cpu", value, "the host's online CPUs are unknown") }
        if let missing = set.cpus.first(where: { !online.cpus.contains($0) }) {
            throw invalid("limits.cpu", value, "CPU \(missing) is not online (online: \(online))")
        }
        return set
    }

    /// `50%`: a weight, 1024 (the kernel's default) for 100%, as LXD computes it; `25ms/100ms`:
    /// a quota of run time per period, with the kernel's bounds (the period from 1 ms to 1 s).
    private mutating func parseAllowance(_ value: String) throws {
        let key = "limits.cpu.allowance"
        let expected = "expected a percentage such as 50% or a time slice such as 25ms/100ms"
        if value.hasSuffix("%") {
            guard let percent = Int(value.dropLast()), (1...100).contains(percent) else {
                throw Self.invalid(key, value, expected)
            }
            cpuShares = max(2, Self.fullShares * percent / 100)
            return
        }
        let fields = value.split(separator: "/", omittingEmptySubsequences: false).map { field in
            field.hasSuffix("ms") ? field.dropLast(2) : field
        }
        guard fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]), quota > 0, period > 0,
            quota <= 1_000_000
        else { throw Self.invalid(key, value, expected) }
        guard period <= 1000 else { throw Self.invalid(key, value, "the period must be at most 1000ms") }
        cpuQuota = quota * 1000
        cpuPeriod = period * 1000
    }
}
