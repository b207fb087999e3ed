import Foundation

extension LXCDriver {
    /// Seccomp, dropped capabilities and the devices cgroup, as every LXC container has them.
    static let commonConfig = "/usr/share/lxc/config/common.conf"

    /// The container's LXC config. Throws `invalidConfig` for a limit it cannot apply; the LXD
    /// keys it does not map are ignored. `hostMemory` (bytes) resolves `limits.memory: 50%`.
    func configuration(for spec: InstanceSpec, idmap: IDMap?, hostMemory: UInt64?) throws -> String {
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
        lines += nameBoundSettings(spec.name).map { "\($0.key) = \($0.value)" }
        lines += idmap?.lxcLines ?? []
        lines += try limitLines(spec.config, hostMemory: hostMemory)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` (a config this driver wrote) with every name-bound setting made for `name`.
    func renamedConfiguration(_ text: String, to name: String) -> String {
        let settings = Dictionary(uniqueKeysWithValues: nameBoundSettings(name).map { ($0.key, $0.value) })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let equals = line.firstIndex(of: "=") else { return String(line) }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard let value = settings[key] else { return String(line) }
            return "\(key) = \(value)"
        }
        return lines.joined(separator: "\n")
    }

    /// The settings whose values hold the instance's name, in config order.
    func nameBoundSettings(_ name: String) -> KeyValuePairs<String, String> {
        let directory = containerDirectory(name)
        let cgroups = cgroupNames(name)
        return [
            "lxc.uts.name": name,
            "lxc.rootfs.path": "dir:\(directory)/rootfs",
            "lxc.console.logfile": "\(directory)/console.log",
            "lxc.log.file": "\(directory)/lxc.log",
            "lxc.cgroup.dir.container": cgroups.payload,
            "lxc.cgroup.dir.monitor": cgroups.monitor,
            "lxc.cgroup.dir.monitor.pivot": cgroups.pivot,
        ]
    }

    /// LXD limits as cgroup v1 settings (this kind of host is v1 hybrid; LXC ignores cgroup2
    /// keys there).
    func limitLines(_ config: [String: String], hostMemory: UInt64?) throws -> [String] {
        var lines: [String] = []
        if let value = config["limits.memory"], !value.isEmpty {
            lines.append("lxc.cgroup.memory.limit_in_bytes = \(try Self.memoryLimit(value, hostMemory: hostMemory))")
        }
        if let value = config["limits.processes"], !value.isEmpty {
            guard let count = Int(value), count > 0 else {
                throw InstanceDriverError.invalidConfig(
                    key: "limits.processes", value: value, reason: "expected a positive integer")
            }
            lines.append("lxc.cgroup.pids.max = \(count)")
        }
        return lines
    }

    /// `limits.memory` in bytes: a size (`256MiB`, `1GB`) or a percentage of the host's memory.
    static func memoryLimit(_ value: String, hostMemory: UInt64?) throws -> UInt64 {
        if value.hasSuffix("%") {
            guard let percent = UInt64(value.dropLast()), (1...100).contains(percent), let hostMemory else {
                throw InstanceDriverError.invalidConfig(
                    key: "limits.memory", value: value, reason: "expected a percentage from 1% to 100%")
            }
            return hostMemory / 100 * percent
        }
        guard let bytes = ByteSize.parse(value), bytes > 0 else {
            throw InstanceDriverError.invalidConfig(
                key: "limits.memory", value: value, reason: "expected a size such as 256MiB or 1GB, or a percentage")
        }
        return bytes
    }

    /// MemTotal from /proc/meminfo, in bytes. Blocking.
    static func hostMemory() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") })
        else { return nil }
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) }
        return kilobytes.map { $0 * 1024 }
    }
}
