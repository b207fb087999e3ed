import Foundation

extension LXCDriver {
    /// Makes the instance directory, lets `fill` make its rootfs in the layout it returns, and
    /// writes the config last: a directory without a config is a create that did not finish.
    /// Whatever fails leaves nothing behind, a base built for it included.
    func make(
        _ spec: InstanceSpec, log: @escaping DriverLog,
        fill: (_ directory: String, _ idmap: IDMap?) async throws -> RootfsLayout
    ) async throws {
        let name = spec.name
        try Self.validate(name: name)
        let idmap = try idmap(for: spec)
        let directory = containerDirectory(name)
        let host = try await OffPool.run { [self] in
            // Checked before anything is made, so a bad value leaves nothing to undo.
            let host = HostResources.current()
            _ = try ResourceLimits(config: spec.config, host: host)
            if let idmap { try Self.checkTraversable(lxcPath, by: idmap) }
            try Self.makeDirectory(lxcPath, intermediate: true)
            guard mkdir(directory, 0o755) == 0 else {
                if errno == EEXIST { throw InstanceDriverError.alreadyExists(name) }
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: directory, errno: errno)
            }
            // The mapped root must be able to reach its rootfs: mkdir honours the umask.
            chmod(directory, 0o755)
            return host
        }
        do {
            let layout = try await fill(directory, idmap)
            try await OffPool.run { [self] in
                let text = try configuration(for: spec, idmap: idmap, layout: layout, host: host)
                try Self.writeAtomically(text, to: configPath(name))
            }
            log("wrote \(configPath(name))")
        } catch {
            try? await bases.discard(directory, log: log)
            await bases.collectGarbage(log: log)
            throw error
        }
    }

    /// The map an instance of `spec` gets: none if privileged, the driver's otherwise.
    func idmap(for spec: InstanceSpec) throws -> IDMap? {
        if spec.privileged { return nil }
        guard let idmap else { throw InstanceDriverError.noIDMap }
        return idmap
    }

    /// An existing container's files belong to its map's host ids, and its overlay to the base of
    /// that map: another map would need all of them shifted.
    static func checkUnchangedPrivilege(_ spec: InstanceSpec, current: IDMap?, new: IDMap?) throws {
        guard current != new else { return }
        throw InstanceDriverError.invalidConfig(
            key: "security.privileged", value: spec.privileged ? "true" : "false",
            reason: "changing it on an existing container is not supported")
    }

    /// Copies the tree `source` to `target` (made by the copy, or an empty directory it fills) with
    /// `cp -a`, which keeps modes, special files, hard links and extended attributes (the
    /// overlay's whiteouts and opaque markers), then gives it the owners `shift` asks for.
    /// `whileRunning`: the source belongs to a container that may run, so a file that vanishes
    /// during the copy is left out instead of failing it, as LXD does.
    func copyTree(
        _ source: String, to target: String, shift: OwnershipShift, whileRunning: Bool = false,
        log: @escaping DriverLog
    ) async throws {
        let command = HostCommand(
            "/bin/cp", ["-a", "-T", "--", source, target], timeout: .seconds(600), diesWithBerthd: true)
        if whileRunning {
            let output = try await command.output(log: log)
            let lines = output.stderrText.split(separator: "\n")
            let vanished = !lines.isEmpty && lines.allSatisfy { $0.hasSuffix("No such file or directory") }
            guard output.termination == .exited(0) || vanished else {
                log(output.termination.description)
                throw HostCommandError.failed(
                    command: command.description, termination: output.termination, stderr: output.stderrText)
            }
        } else {
            try await command.run(log: log)
        }
        guard !shift.isIdentity else { return }
        let count = try await OffPool.run { try shift.apply(toTree: target) }
        let owner = shift.to.map { "host ids \($0.hostUID):\($0.hostGID) and up" } ?? "host root's ids"
        log("shifted \(count) entries of \(target) to \(owner)")
    }

    /// The overlay's upper and work directories, owned by the container's root, which writes into
    /// them. A delta copied from another container keeps its files; the overlay's identity,
    /// which the kernel stores on the upper directory, is dropped so the copy gets its own.
    /// Blocking.
    static func makeUpperLayer(_ directory: String, for idmap: IDMap?) throws {
        if FileStatus.isDirectory("\(directory)/delta") {
            _ = LinuxSymbols.lremovexattr?("\(directory)/delta", "user.overlay.uuid")
        } else {
            try makeOwnedDirectory("\(directory)/delta", for: idmap)
        }
        try makeOwnedDirectory("\(directory)/work", for: idmap)
    }

    /// A new directory with mode 0755 owned by the container's root. Blocking.
    static func makeOwnedDirectory(_ path: String, for idmap: IDMap?) throws {
        guard mkdir(path, 0o755) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "mkdir", path: path, errno: errno)
        }
        guard chmod(path, 0o755) == 0, chown(path, idmap?.hostUID ?? 0, idmap?.hostGID ?? 0) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "chown", path: path, errno: errno)
        }
    }
}
