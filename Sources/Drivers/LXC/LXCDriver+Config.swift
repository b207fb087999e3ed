import Foundation

extension LXCDriver {
    /// Seccomp, dropped capabilities and the devices cgroup, as every LXC container has them.
    static let commonConfig = "/usr/share/lxc/config/common.conf"

    /// The container's LXC config. Throws `invalidConfig` for a limit it cannot apply; the LXD
    /// keys it does not map are ignored.
    func configuration(for spec: InstanceSpec, idmap: IDMap?, layout: RootfsLayout, host: HostResources) throws
        -> String
    {
        let limits = try ResourceLimits(config: spec.config, host: host)
        var lines = [
            "# Written by berthd. Renaming the instance rewrites the lines that hold its name.",
            "lxc.include = \(Self.commonConfig)",
            // lxcfs, when installed, drops hooks into common.conf.d; its post-stop hook sleeps
            // 0.5 s on every stop, and Berth does not use lxcfs.
            "lxc.hook.mount =",
            "lxc.hook.post-stop =",
            "lxc.net.0.type = empty",
            "lxc.init.cmd = /sbin/init",
            // LXD's halt signal: what systemd and busybox init take as "power off".
            "lxc.signal.halt = SIGPWR",
            "lxc.autodev = 1",
            "lxc.tty.max = 0",
            "lxc.pty.max = 16",
            "lxc.mount.auto = proc:mixed sys:ro cgroup:mixed",
            "lxc.apparmor.profile = unconfined",
            "lxc.log.level = WARN",
        ]
        lines += nameBoundSettings(spec.name, layout: layout).map { "\($0.key) = \($0.value)" }
        lines += layout.extraLines
        lines += idmap?.lxcLines ?? []
        lines += limits.configured.map { "lxc.cgroup.\($0.file) = \($0.value)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` (a config this driver wrote) with every name-bound setting made for `name`.
    func renamedConfiguration(_ text: String, to name: String) -> String {
        let layout = Self.setting("lxc.rootfs.path", in: text).flatMap(RootfsLayout.init(lxcValue:)) ?? .directory
        let settings = Dictionary(
            uniqueKeysWithValues: nameBoundSettings(name, layout: layout).map { ($0.key, $0.value) })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let equals = line.firstIndex(of: "=") else { return String(line) }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard let value = settings[key] else { return String(line) }
            return "\(key) = \(value)"
        }
        return lines.joined(separator: "\n")
    }

    /// The settings whose values hold the instance's name, in config order.
    func nameBoundSettings(_ name: String, layout: RootfsLayout) -> KeyValuePairs<String, String> {
        let directory = containerDirectory(name)
        let cgroups = cgroupNames(name)
        return [
            "lxc.uts.name": name,
            "lxc.rootfs.path": layout.lxcValue(directory: directory),
            "lxc.console.logfile": "\(directory)/console.log",
            "lxc.log.file": "\(directory)/lxc.log",
            "lxc.cgroup.dir.container": cgroups.payload,
            "lxc.cgroup.dir.monitor": cgroups.monitor,
            "lxc.cgroup.dir.monitor.pivot": cgroups.pivot,
        ]
    }

    /// MemTotal from /proc/meminfo, in bytes. Blocking.
    static func hostMemory() -> UInt64? { HostResources.memoryTotal() }

    /// The value of the first `key = value` line of a config.
    static func setting(_ key: String, in text: String) -> String? {
        settings(key, in: text).first
    }

    /// The values of every `key = value` line of a config, in order.
    static func settings(_ key: String, in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard let equals = line.firstIndex(of: "="),
                line[..<equals].trimmingCharacters(in: .whitespaces) == key
            else { return nil }
            return line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
    }

    /// The id map of a config's `lxc.idmap` lines (`u 0 100000 65536`, `g 0 100000 65536`); nil
    /// for a privileged container, which has none.
    static func idmap(inConfiguration text: String) -> IDMap? {
        var starts: [String: (host: UInt32, count: UInt32)] = [:]
        for value in settings("lxc.idmap", in: text) {
            let fields = value.split(separator: " ")
            guard fields.count == 4, fields[1] == "0", let host = UInt32(fields[2]), let count = UInt32(fields[3]),
                count >= IDMap.containerIDs, host <= UInt32.max - count
            else { continue }
            starts[String(fields[0])] = (host, count)
        }
        guard let user = starts["u"], let group = starts["g"] else { return nil }
        return IDMap(hostUID: user.host, hostGID: group.host, count: min(user.count, group.count))
    }
}
