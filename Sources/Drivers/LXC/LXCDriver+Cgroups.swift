import Foundation

extension LXCDriver {
    /// The cgroup directory names of one container, the same in every hierarchy. LXC's default
    /// (`lxc.payload.NAME`) is shared by every LXC user on the host, LXD included, so a Berth
    /// container could land in (or remove) another's; the tag is per lxcpath.
    func cgroupNames(_ name: String) -> (payload: String, monitor: String, pivot: String) {
        let prefix = "berth.\(Self.tag(lxcPath))"
        return ("\(prefix).payload.\(name)", "\(prefix).monitor.\(name)", "\(prefix).pivot.\(name)")
    }

    /// Removes the container's cgroups in every hierarchy, deepest first. After a stop the
    /// monitor lingers in its pivot cgroup for a few milliseconds, so a busy cgroup is tried
    /// again for up to two seconds; one still busy then holds a process and is an error.
    func removeCgroups(of name: String) async throws {
        let names = cgroupNames(name)
        try await OffPool.run {
            let deadline = ContinuousClock.now.advanced(by: .seconds(2))
            for mount in Self.cgroupMounts() {
                for directory in [names.payload, names.monitor, names.pivot] {
                    try Self.removeCgroupTree("\(mount.path)/\(directory)", until: deadline)
                }
            }
        }
    }

    /// Memory, CPU and task counts from the cgroup v1 hierarchies of the container's init.
    /// Blocking. A counter that cannot be read (the container just stopped) is zero.
    static func usage(status: InstanceRuntimeState.Status, pid: Int32) -> InstanceRuntimeState {
        var state = InstanceRuntimeState(status: status, pid: pid)
        guard let paths = cgroupPaths(pid: pid) else { return state }
        func read(_ controller: String, _ file: String) -> UInt64 {
            guard let directory = paths[controller],
                let text = try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            else { return 0 }
            return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        state.memoryUsage = read("memory", "memory.usage_in_bytes")
        state.memoryUsagePeak = read("memory", "memory.max_usage_in_bytes")
        state.cpuUsageNanoseconds = read("cpuacct", "cpuacct.usage")
        state.processes = Int(read("pids", "pids.current"))
        return state
    }

    /// For each cgroup v1 controller, the directory of `pid`'s cgroup (`/sys/fs/cgroup/memory/…`).
    /// Blocking.
    static func cgroupPaths(pid: Int32) -> [String: String]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8) else { return nil }
        var mountOf: [String: String] = [:]
        for mount in cgroupMounts() where mount.type == "cgroup" {
            for option in mount.options { mountOf[option] = mount.path }
        }
        var paths: [String: String] = [:]
        // Lines are `ID:controller,controller:/path`; cgroup2's is `0::/path`.
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            for controller in fields[1].split(separator: ",") {
                if let mount = mountOf[String(controller)] { paths[String(controller)] = mount + fields[2] }
            }
        }
        return paths
    }

    /// cgroup and cgroup2 mounts from /proc/self/mounts. Blocking.
    static func cgroupMounts() -> [(path: String, type: String, options: [String])] {
        guard let text = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return [] }
        var mounts: [(path: String, type: String, options: [String])] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, fields[2] == "cgroup" || fields[2] == "cgroup2" else { continue }
            let path = String(fields[1])
            if mounts.contains(where: { $0.path == path }) { continue }
            mounts.append((path, String(fields[2]), fields[3].split(separator: ",").map(String.init)))
        }
        return mounts
    }

    private static func removeCgroupTree(_ path: String, until deadline: ContinuousClock.Instant) throws {
        guard FileStatus.isDirectory(path) else { return }
        for child in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            let childPath = "\(path)/\(child)"
            if FileStatus.isDirectory(childPath) { try removeCgroupTree(childPath, until: deadline) }
        }
        while rmdir(path) != 0 {
            if errno == ENOENT { return }
            if errno == EBUSY && ContinuousClock.now < deadline {
                usleep(10_000)
                continue
            }
            throw InstanceDriverError.fileSystem(operation: "rmdir", path: path, errno: errno)
        }
    }

    /// FNV-1a of the lxcpath, 8 hex digits: short enough for a cgroup name, different for the
    /// daemon and each test run.
    static func tag(_ lxcPath: String) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in lxcPath.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
