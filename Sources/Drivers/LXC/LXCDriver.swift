import Foundation
import Log

/// Containers run by LXC through its command-line tools, each in `lxcPath/NAME` (config, rootfs,
/// console.log, lxc.log) and each tool called with `-P lxcPath`, as LXD does: `lxc-start -d`
/// forks a monitor, which must not happen inside a multi-threaded daemon.
///
/// Containers are unprivileged unless their spec says otherwise: the rootfs is shifted to the
/// `idmap` and LXC maps container root onto it. Each container's cgroups have names of their own
/// (`berth.<tag>.payload.NAME`, with a tag per lxcpath) so that they never meet another LXC
/// user's, and `delete` can remove what a crashed monitor left.
public struct LXCDriver: InstanceDriver {
    public let lxcPath: String
    public let idmap: IDMap?
    /// Where the `lxc-*` tools are.
    public let toolsDirectory: String
    let logger: Logger

    public init(lxcPath: String, idmap: IDMap?, toolsDirectory: String = "/usr/bin", logger: Logger = Logger()) {
        var path = lxcPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.lxcPath = path
        self.idmap = idmap
        self.toolsDirectory = toolsDirectory
        self.logger = logger
    }

    public func create(_ spec: InstanceSpec, rootfs: String?, log: @escaping DriverLog) async throws {
        try await make(spec, log: log) { target in
            guard let rootfs else {
                try await OffPool.run {
                    guard mkdir(target, 0o755) == 0 else {
                        throw InstanceDriverError.fileSystem(operation: "mkdir", path: target, errno: errno)
                    }
                    chmod(target, 0o755)
                }
                return
            }
            try await OffPool.run {
                var info = stat()
                guard stat(rootfs, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw InstanceDriverError.rootfsMissing(rootfs)
                }
            }
            try await HostCommand(
                "/bin/cp", ["-a", "-T", "--", rootfs, target], timeout: .seconds(600), diesWithBerthd: true
            ).run(log: log)
        }
    }

    public func copy(from source: String, to spec: InstanceSpec, log: @escaping DriverLog) async throws {
        try Self.validate(name: source)
        let rootfs = "\(containerDirectory(source))/rootfs"
        guard try await OffPool.run({ Self.isDirectory(rootfs) }) else { throw InstanceDriverError.notFound(source) }
        // The copy keeps the source's host ids, which are right only when both use the same map.
        try await make(spec, shift: false, log: log) { target in
            try await HostCommand(
                "/bin/cp", ["-a", "-T", "--", rootfs, target], timeout: .seconds(600), diesWithBerthd: true
            ).run(log: log)
        }
    }

    public func check(_ spec: InstanceSpec) async throws {
        try Self.validate(name: spec.name)
        _ = try await OffPool.run { [self] in
            try configuration(for: spec, idmap: spec.privileged ? nil : idmap, hostMemory: Self.hostMemory())
        }
    }

    public func reconfigure(_ spec: InstanceSpec, log: @escaping DriverLog) async throws {
        let name = spec.name
        try Self.validate(name: name)
        guard try await OffPool.run({ [self] in Self.isFile(configPath(name)) }) else {
            throw InstanceDriverError.notFound(name)
        }
        let idmap = spec.privileged ? nil : self.idmap
        if !spec.privileged && idmap == nil { throw InstanceDriverError.noIDMap }
        try await OffPool.run { [self] in
            let text = try configuration(for: spec, idmap: idmap, hostMemory: Self.hostMemory())
            try Self.writeAtomically(text, to: configPath(name))
        }
        log("wrote \(configPath(name))")
    }

    /// Makes the instance directory, lets `fill` make `<directory>/rootfs`, shifts it to the idmap
    /// and writes the config; whatever fails leaves nothing behind.
    private func make(
        _ spec: InstanceSpec, shift: Bool = true, log: @escaping DriverLog,
        fill: (_ rootfs: String) async throws -> Void
    ) async throws {
        let name = spec.name
        try Self.validate(name: name)
        let idmap: IDMap?
        if spec.privileged {
            idmap = nil
        } else {
            guard let map = self.idmap else { throw InstanceDriverError.noIDMap }
            idmap = map
        }
        let directory = containerDirectory(name)
        let text = try await OffPool.run { [self] in
            // Checked before anything is made, so a bad value leaves nothing to undo.
            let text = try configuration(for: spec, idmap: idmap, hostMemory: Self.hostMemory())
            if let idmap { try Self.checkTraversable(lxcPath, by: idmap) }
            try Self.makeDirectory(lxcPath, intermediate: true)
            guard mkdir(directory, 0o755) == 0 else {
                if errno == EEXIST { throw InstanceDriverError.alreadyExists(name) }
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: directory, errno: errno)
            }
            // The mapped root must be able to reach its rootfs: mkdir honours the umask.
            chmod(directory, 0o755)
            return text
        }
        do {
            let rootfs = "\(directory)/rootfs"
            try await fill(rootfs)
            if shift, let idmap {
                let count = try await OffPool.run { try idmap.shiftOwnership(ofTree: rootfs) }
                log("shifted \(count) rootfs entries to host ids \(idmap.hostUID):\(idmap.hostGID) and up")
            }
            try await OffPool.run { [self] in
                try Self.writeAtomically(text, to: configPath(name))
            }
            log("wrote \(configPath(name))")
        } catch {
            try? await removeDirectory(directory, log: log)
            throw error
        }
    }

    public func start(name: String, log: @escaping DriverLog) async throws {
        guard try await state(name: name).status == .stopped else { throw InstanceDriverError.alreadyRunning }
        // A monitor that died left its cgroups; LXC will not start into a cgroup that exists.
        try await removeCgroups(of: name)
        let logFile = "\(containerDirectory(name))/lxc.log"
        _ = try? await OffPool.run { truncate(logFile, 0) }
        do {
            try await lxc("lxc-start", name, ["-d"], log: log)
        } catch HostCommandError.failed(let command, let termination, let stderr) {
            // lxc-start's own lines say only that it failed; the cause is in the container's log.
            let reasons = await startFailureReasons(logFile: logFile)
            for reason in reasons { log(reason) }
            var message: [String] = []
            for line in stderr.split(separator: "\n").map(Self.toolMessage) + reasons where !message.contains(line) {
                // Advice for someone at a terminal, not for an API client.
                if line.hasPrefix("To get more details") || line.hasPrefix("Additional information can be obtained") {
                    continue
                }
                message.append(line)
            }
            throw HostCommandError.failed(
                command: command, termination: termination, stderr: message.joined(separator: "\n"))
        }
    }

    public func stop(name: String, timeout: Duration, force: Bool, log: @escaping DriverLog) async throws {
        guard try await state(name: name).status != .stopped else { throw InstanceDriverError.alreadyStopped }
        do {
            if force {
                try await lxc("lxc-stop", name, ["-k"], log: log)
            } else {
                // lxc-stop -t sends lxc.signal.halt (SIGPWR), waits, then kills: LXD's clean stop.
                let (seconds, attoseconds) = timeout.components
                let wait = max(1, seconds + (attoseconds > 0 ? 1 : 0))
                try await lxc("lxc-stop", name, ["-t", String(wait)], timeout: .seconds(wait + 30), log: log)
            }
        } catch HostCommandError.failed(_, .exited(2), let stderr) where stderr.contains("is not running") {
            // It stopped by itself between the state check and lxc-stop.
            throw InstanceDriverError.alreadyStopped
        }
    }

    public func restart(name: String, timeout: Duration, force: Bool, log: @escaping DriverLog) async throws {
        try await stop(name: name, timeout: timeout, force: force, log: log)
        try await start(name: name, log: log)
    }

    public func freeze(name: String, log: @escaping DriverLog) async throws {
        switch try await state(name: name).status {
        case .stopped: throw InstanceDriverError.notRunning
        case .frozen: throw InstanceDriverError.alreadyFrozen
        case .running: try await lxc("lxc-freeze", name, log: log)
        }
    }

    public func unfreeze(name: String, log: @escaping DriverLog) async throws {
        switch try await state(name: name).status {
        case .stopped: throw InstanceDriverError.notRunning
        case .running: throw InstanceDriverError.notFrozen
        case .frozen: try await lxc("lxc-unfreeze", name, log: log)
        }
    }

    public func state(name: String) async throws -> InstanceRuntimeState {
        try Self.validate(name: name)
        let (directory, config) = try await OffPool.run { [self] in
            (Self.isDirectory(containerDirectory(name)), Self.isFile(configPath(name)))
        }
        guard directory else { throw InstanceDriverError.notFound(name) }
        // A directory without a config is a create the daemon did not finish: never started.
        guard config else { return InstanceRuntimeState(status: .stopped) }
        let output = try await lxc("lxc-info", name, ["-s", "-p"], timeout: .seconds(30), log: { _ in })
        var fields: [String: String] = [:]
        for line in output.stdoutText.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].trimmingCharacters(in: .whitespaces)] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        let status: InstanceRuntimeState.Status =
            switch fields["State"] {
            case "RUNNING": .running
            case "FROZEN": .frozen
            default: .stopped
            }
        guard status != .stopped, let pid = fields["PID"].flatMap({ Int32($0) }), pid > 0 else {
            return InstanceRuntimeState(status: status)
        }
        return try await OffPool.run { Self.usage(status: status, pid: pid) }
    }

    public func delete(name: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: name)
        if let state = try? await state(name: name), state.status != .stopped {
            throw InstanceDriverError.instanceRunning
        }
        // Cgroups first: one that still holds a process cannot be removed, and then the files
        // of what is still running must stay too.
        try await removeCgroups(of: name)
        try await removeDirectory(containerDirectory(name), log: log)
    }

    public func rename(from: String, to: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: to)
        guard try await state(name: from).status == .stopped else { throw InstanceDriverError.instanceRunning }
        try await OffPool.run { [self] in
            let old = containerDirectory(from)
            let new = containerDirectory(to)
            if Self.exists(new) { throw InstanceDriverError.alreadyExists(to) }
            guard Glibc.rename(old, new) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "rename", path: old, errno: errno)
            }
            do {
                if Self.isFile(configPath(to)) {
                    let text = try String(contentsOfFile: configPath(to), encoding: .utf8)
                    try Self.writeAtomically(renamedConfiguration(text, to: to), to: configPath(to))
                }
            } catch {
                _ = Glibc.rename(new, old)
                throw error
            }
        }
        log("renamed \(containerDirectory(from)) to \(containerDirectory(to))")
        try await removeCgroups(of: from)
    }

    public func list() async throws -> [String] {
        try await OffPool.run { [lxcPath] in
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: lxcPath) else { return [] }
            return names.filter { !$0.hasPrefix(".") && Self.isDirectory("\(lxcPath)/\($0)") }.sorted()
        }
    }

    public func exists(name: String) async throws -> Bool {
        try Self.validate(name: name)
        return try await OffPool.run { [self] in Self.exists(containerDirectory(name)) }
    }
}
