import Foundation

extension LXCDriver {
    /// The cgroup v1 hierarchies by controller (`memory` → `/sys/fs/cgroup/memory`), read once:
    /// `lxc list` asks for every container's state, and parsing the mount table each time cost
    /// more than reading the counters.
    static let controllerMounts: [String: String] = {
        var mounts: [String: String] = [:]
        for mount in cgroupMounts() where mount.type == "cgroup" {
            for option in mount.options where mounts[option] == nil { mounts[option] = mount.path }
        }
        return mounts
    }()

    /// The state read from the container's own cgroups, without running `lxc-info` (a process
    /// per container per request made `lxc list` slow): it runs while its payload cgroup holds a
    /// process, is frozen when the freezer says so, and its init is the one process there whose
    /// parent is outside (the monitor). Counters are read at the payload cgroup, which also counts
    /// any cgroups the container made below it. Nil when this host has no v1 freezer and pids
    /// hierarchies (then `lxc-info` answers). Blocking.
    func cgroupState(name: String) -> InstanceRuntimeState? {
        let mounts = Self.controllerMounts
        guard let freezer = mounts["freezer"], let pids = mounts["pids"] else { return nil }
        let payload = cgroupNames(name).payload
        let processes = Self.processes(inCgroupTree: "\(pids)/\(payload)")
        guard !processes.isEmpty else { return InstanceRuntimeState(status: .stopped) }
        let freezerState = Self.readLine("\(freezer)/\(payload)/freezer.state")
        let status: InstanceRuntimeState.Status = freezerState == "FROZEN" ? .frozen : .running
        var state = InstanceRuntimeState(status: status, pid: Self.initProcess(of: processes))
        func counter(_ controller: String, _ file: String) -> UInt64 {
            guard let mount = mounts[controller] else { return 0 }
            return Self.readLine("\(mount)/\(payload)/\(file)").flatMap { UInt64($0) } ?? 0
        }
        state.memoryUsage = counter("memory", "memory.usage_in_bytes")
        state.memoryUsagePeak = counter("memory", "memory.max_usage_in_bytes")
        state.cpuUsageNanoseconds = counter("cpuacct", "cpuacct.usage")
        state.processes = Int(counter("pids", "pids.current"))
        return state
    }

    /// The pids in `directory`'s `cgroup.procs` and in those of the cgroups below it.
    static func processes(inCgroupTree directory: String) -> [Int32] {
        var pids: [Int32] = []
        var pending = [directory]
        while let path = pending.popLast() {
            guard let text = try? String(contentsOfFile: "\(path)/cgroup.procs", encoding: .utf8) else { continue }
            pids += text.split(separator: "\n").compactMap { Int32($0) }
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
            for entry in entries where FileStatus.isDirectory("\(path)/\(entry)") { pending.append("\(path)/\(entry)") }
        }
        return pids
    }

    /// The process of `pids` whose parent is not among them: the container's init. Tried lowest
    /// pid first, which is init unless pids wrapped around. 0 if none can be told (all exited).
    static func initProcess(of pids: [Int32]) -> Int32 {
        let members = Set(pids)
        for pid in pids.sorted() {
            guard let parent = parentProcess(of: pid) else { continue }
            if !members.contains(parent) { return pid }
        }
        return 0
    }

    /// Field 4 of /proc/PID/stat; the command name before it is in parentheses and may hold
    /// spaces, so fields are counted after the last `)`.
    static func parentProcess(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// The first line of a small file, trimmed; nil if it cannot be read.
    static func readLine(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }
}
