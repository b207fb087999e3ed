import Foundation
import Log

/// Containers run by LXC through its command-line tools, each in `lxcPath/NAME` (config, rootfs,
/// console.log, lxc.log) and each tool called with `-P lxcPath`, as LXD does: `lxc-start -d`
/// forks a monitor, which must not happen inside a multi-threaded daemon.
///
/// Containers are unprivileged unless their spec says otherwise: their files belong to the
/// `idmap`'s host ids and LXC maps container root onto them. A container made from an image is an
/// overlay of its own changes on a base that all containers of that image and map share
/// (`RootfsBases`), so creating one copies nothing once the base exists; where overlayfs is not
/// available each container gets a copy. Each container's cgroups have names of their own
/// (`berth.<tag>.payload.NAME`, with a tag per lxcpath) so that they never meet another LXC
/// user's, and `delete` can remove what a crashed monitor left.
public struct LXCDriver: InstanceDriver {
    public let lxcPath: String
    public let idmap: IDMap?
    /// Where the `lxc-*` tools are.
    public let toolsDirectory: String
    /// Whether containers made from an image get an overlay rootfs where the host allows it;
    /// false copies the image for each (a container made by `copy` keeps its source's layout).
    public let usesOverlay: Bool
    let logger: Logger

    public init(
        lxcPath: String, idmap: IDMap?, toolsDirectory: String = "/usr/bin", usesOverlay: Bool = true,
        logger: Logger = Logger()
    ) {
        var path = lxcPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.lxcPath = path
        self.idmap = idmap
        self.toolsDirectory = toolsDirectory
        self.usesOverlay = usesOverlay
        self.logger = logger
    }

    var bases: RootfsBases { RootfsBases(lxcPath: lxcPath) }

    public func create(_ spec: InstanceSpec, rootfs: String?, log: @escaping DriverLog) async throws {
        guard let rootfs else {
            try await make(spec, log: log) { directory, idmap in
                try await OffPool.run { try Self.makeOwnedDirectory("\(directory)/rootfs", for: idmap) }
                return .directory
            }
            return
        }
        try await make(spec, log: log) { [self] directory, idmap in
            try await OffPool.run {
                var info = stat()
                guard stat(rootfs, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw InstanceDriverError.rootfsMissing(rootfs)
                }
            }
            if let reason = await overlayUnavailableReason(log: log) {
                log("no overlay rootfs (\(reason)): copying the image's rootfs")
                try await copyTree(rootfs, to: "\(directory)/rootfs", shift: OwnershipShift(to: idmap), log: log)
                return .directory
            }
            let key = try await OffPool.run { try RootfsBases.key(ofImage: rootfs, idmap: idmap) }
            try await bases.link(directory, to: key, image: rootfs, log: log) { base in
                try await copyTree(rootfs, to: base, shift: OwnershipShift(to: idmap), log: log)
            }
            try await OffPool.run { try Self.makeUpperLayer(directory, for: idmap) }
            return .overlay
        }
    }

    public func copy(from source: String, to spec: InstanceSpec, log: @escaping DriverLog) async throws {
        try Self.validate(name: source)
        let sourceDirectory = containerDirectory(source)
        let text = try await OffPool.run { [self] in try? String(contentsOfFile: configPath(source), encoding: .utf8) }
        guard let text, let layout = Self.setting("lxc.rootfs.path", in: text).flatMap(RootfsLayout.init(lxcValue:))
        else { throw InstanceDriverError.notFound(source) }
        let sourceMap = Self.idmap(inConfiguration: text)
        try await make(spec, log: log) { [self] directory, idmap in
            let shift = OwnershipShift(from: sourceMap, to: idmap)
            switch layout {
            case .directory:
                try await copyTree(
                    "\(sourceDirectory)/rootfs", to: "\(directory)/rootfs", shift: shift, whileRunning: true, log: log)
            case .overlay:
                guard let key = try await OffPool.run({ try RootfsBases.linkedKey(of: sourceDirectory) }) else {
                    throw InstanceDriverError.fileSystem(
                        operation: "readlink", path: "\(sourceDirectory)/base", errno: ENOENT)
                }
                // The same image's base for the target's map, made from the source's if need be.
                let image = try await OffPool.run { bases.image(of: key) }
                try await bases.link(directory, to: RootfsBases.key(key, for: idmap), image: image, log: log) { base in
                    try await copyTree("\(bases.directory)/\(key)", to: base, shift: shift, log: log)
                }
                try await copyTree(
                    "\(sourceDirectory)/delta", to: "\(directory)/delta", shift: shift, whileRunning: true, log: log)
                try await OffPool.run { try Self.makeUpperLayer(directory, for: idmap) }
            }
            return layout
        }
    }

    public func check(_ spec: InstanceSpec) async throws {
        try Self.validate(name: spec.name)
        let idmap = try idmap(for: spec)
        try await OffPool.run { [self] in
            _ = try ResourceLimits(config: spec.config, host: .current())
            if let text = try? String(contentsOfFile: configPath(spec.name), encoding: .utf8) {
                try Self.checkUnchangedPrivilege(spec, current: Self.idmap(inConfiguration: text), new: idmap)
            }
        }
    }

    public func reconfigure(_ spec: InstanceSpec, log: @escaping DriverLog) async throws {
        let name = spec.name
        try Self.validate(name: name)
        let idmap = try idmap(for: spec)
        let (text, limits) = try await OffPool.run { [self] in
            guard let current = try? String(contentsOfFile: configPath(name), encoding: .utf8) else {
                throw InstanceDriverError.notFound(name)
            }
            try Self.checkUnchangedPrivilege(spec, current: Self.idmap(inConfiguration: current), new: idmap)
            let layout =
                Self.setting("lxc.rootfs.path", in: current).flatMap(RootfsLayout.init(lxcValue:)) ?? .directory
            let host = HostResources.current()
            let limits = try ResourceLimits(config: spec.config, host: host)
            return (try configuration(for: spec, idmap: idmap, layout: layout, host: host), limits)
        }
        let state = try await state(name: name)
        let undo =
            state.status == .stopped ? [] : try await applyLimits(limits, toContainer: name, pid: state.pid, log: log)
        do {
            try await OffPool.run { [self] in try Self.writeAtomically(text, to: configPath(name)) }
        } catch {
            _ = try? await OffPool.run { try Self.setCgroupFiles(undo, log: log) }
            throw error
        }
        log("wrote \(configPath(name))")
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
            // What a failed start left (the monitor's cgroups) goes, so that nothing of it lingers.
            try? await removeCgroups(of: name)
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
        let (directory, config, fromCgroups) = try await OffPool.run { [self] in
            let directory = FileStatus.isDirectory(containerDirectory(name))
            let config = directory && FileStatus.isRegularFile(configPath(name))
            return (directory, config, config ? cgroupState(name: name) : nil)
        }
        guard directory else { throw InstanceDriverError.notFound(name) }
        // A directory without a config is a create the daemon did not finish: never started.
        guard config else { return InstanceRuntimeState(status: .stopped) }
        if let fromCgroups { return fromCgroups }
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
        try await bases.discard(containerDirectory(name), log: log)
        // Also when there was nothing to delete: a retried delete finishes what a crash left.
        await bases.collectGarbage(log: log)
    }

    public func rename(from: String, to: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: to)
        guard try await state(name: from).status == .stopped else { throw InstanceDriverError.instanceRunning }
        // Under the lock of the bases: a collection listing the lxcpath at the same moment could
        // miss the directory under both names, and take its base for unused.
        try await OffPool.run { [self] in
            try bases.withLock { try move(from: from, to: to) }
        }
        log("renamed \(containerDirectory(from)) to \(containerDirectory(to))")
        try await removeCgroups(of: from)
    }

    /// Renames the directory and rewrites the config's name-bound settings, or changes nothing.
    /// Blocking.
    private func move(from: String, to: String) throws {
        let old = containerDirectory(from)
        let new = containerDirectory(to)
        try DirectoryRename.rename(old, to: new, name: to)
        do {
            if FileStatus.isRegularFile(configPath(to)) {
                let text = try String(contentsOfFile: configPath(to), encoding: .utf8)
                try Self.writeAtomically(renamedConfiguration(text, to: to), to: configPath(to))
            }
        } catch {
            _ = Glibc.rename(new, old)
            throw error
        }
    }

    public func list() async throws -> [String] {
        try await OffPool.run { [lxcPath] in
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: lxcPath) else { return [] }
            return names.filter { !$0.hasPrefix(".") && FileStatus.isDirectory("\(lxcPath)/\($0)") }.sorted()
        }
    }

    public func exists(name: String) async throws -> Bool {
        try Self.validate(name: name)
        return try await OffPool.run { [self] in FileStatus.exists(containerDirectory(name)) }
    }
}
