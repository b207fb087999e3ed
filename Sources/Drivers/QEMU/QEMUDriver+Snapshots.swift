import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Snapshots of stopped VMs, in `<vm>/snapshots/<snapshot>/`: copies of the VM's boot files (the
/// disk copied, kernel and initrd hard-linked) and its config. Each is built in
/// `snapshots/.tmp-<uuid>` and renamed into place once complete; dot entries are never listed and
/// the next change to the snapshots removes them. They live inside the VM's directory, so deleting
/// the VM removes them and renaming it keeps them.
extension QEMUDriver: InstanceSnapshotDriver {
    func snapshotDirectory(_ instance: String, _ snapshot: String) -> String {
        "\(files(instance).snapshots)/\(snapshot)"
    }

    public func createSnapshot(
        of instance: String, named snapshot: String, log: @escaping DriverLog,
        progress: @escaping @Sendable (_ copied: Int64, _ total: Int64) -> Void
    ) async throws {
        try Self.validate(name: snapshot)
        try await requireStopped(instance, refusal: QEMUDriverError.snapshotOfRunningVM)
        let vm = files(instance)
        let target = snapshotDirectory(instance, snapshot)
        let temporary = "\(vm.snapshots)/.tmp-\(UUID().uuidString.lowercased())"
        try await cleanUpSnapshots(of: instance)
        let total = try await OffPool.run {
            if FileStatus.exists(target) { throw InstanceDriverError.alreadyExists(snapshot) }
            if mkdir(vm.snapshots, 0o750) != 0 && errno != EEXIST {
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: vm.snapshots, errno: errno)
            }
            guard mkdir(temporary, 0o750) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: temporary, errno: errno)
            }
            var info = stat()
            return stat(vm.disk, &info) == 0 ? Int64(info.st_size) : 0
        }
        do {
            progress(0, total)
            var sources = try await existingBootFiles(in: vm.directory)
            sources["config"] = vm.config
            try await installBootFiles(from: sources, into: temporary, log: log)
            progress(total, total)
            try await OffPool.run {
                guard Glibc.rename(temporary, target) == 0 else {
                    throw InstanceDriverError.fileSystem(operation: "rename", path: temporary, errno: errno)
                }
            }
            log("made snapshot \(target)")
        } catch {
            _ = try? await OffPool.run { try FileManager.default.removeItem(atPath: temporary) }
            throw error
        }
    }

    /// Gives the VM the snapshot's disk, kernel and initrd, each by a rename over the VM's own
    /// (a VM whose snapshot had no disk loses its disk). The config stays the daemon's to set.
    public func restoreSnapshot(of instance: String, named snapshot: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: snapshot)
        try await requireStopped(instance, refusal: InstanceDriverError.instanceRunning)
        let vm = files(instance)
        let source = snapshotDirectory(instance, snapshot)
        guard try await OffPool.run({ FileStatus.isDirectory(source) }) else {
            throw InstanceDriverError.notFound(snapshot)
        }
        try await cleanUpSnapshots(of: instance)
        let temporary = "\(vm.snapshots)/.tmp-\(UUID().uuidString.lowercased())"
        try await OffPool.run {
            guard mkdir(temporary, 0o750) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: temporary, errno: errno)
            }
        }
        do {
            let sources = try await existingBootFiles(in: source)
            try await installBootFiles(from: sources, into: temporary, log: log)
            try await OffPool.run {
                for name in VMFiles.bootFileNames {
                    let path = "\(vm.directory)/\(name)"
                    if sources[name] == nil {
                        unlink(path)
                    } else if Glibc.rename("\(temporary)/\(name)", path) != 0 {
                        throw InstanceDriverError.fileSystem(operation: "rename", path: path, errno: errno)
                    }
                }
            }
        } catch {
            _ = try? await OffPool.run { try FileManager.default.removeItem(atPath: temporary) }
            throw error
        }
        _ = try? await OffPool.run { try FileManager.default.removeItem(atPath: temporary) }
        log("restored \(vm.directory) from snapshot \(snapshot)")
    }

    public func deleteSnapshot(of instance: String, named snapshot: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: snapshot)
        let vm = files(instance)
        let target = snapshotDirectory(instance, snapshot)
        try await cleanUpSnapshots(of: instance)
        try await OffPool.run {
            guard FileStatus.exists(target) else { return }
            // Out of its name in one step; what a crash leaves then is a dot entry.
            let doomed = "\(vm.snapshots)/.tmp-\(UUID().uuidString.lowercased())"
            guard Glibc.rename(target, doomed) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "rename", path: target, errno: errno)
            }
            try FileManager.default.removeItem(atPath: doomed)
        }
        log("deleted snapshot \(target)")
    }

    public func renameSnapshot(of instance: String, from: String, to: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: from)
        try Self.validate(name: to)
        let old = snapshotDirectory(instance, from)
        let new = snapshotDirectory(instance, to)
        try await OffPool.run {
            guard FileStatus.isDirectory(old) else { throw InstanceDriverError.notFound(from) }
            try DirectoryRename.rename(old, to: new, name: to)
        }
        log("renamed snapshot \(old) to \(new)")
    }

    public func copy(
        fromSnapshot snapshot: String, of instance: String, to spec: InstanceSpec, log: @escaping DriverLog
    ) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: snapshot)
        try await check(spec)
        let source = snapshotDirectory(instance, snapshot)
        guard try await OffPool.run({ FileStatus.isDirectory(source) }) else {
            throw InstanceDriverError.notFound(snapshot)
        }
        try await make(spec, log: log) { [self] staging in
            try await installBootFiles(from: try await existingBootFiles(in: source), into: staging, log: log)
        }
    }

    public func snapshots(of instance: String) async throws -> [String] {
        try Self.validate(name: instance)
        let vm = files(instance)
        return try await OffPool.run {
            guard FileStatus.isDirectory(vm.directory) else { throw InstanceDriverError.notFound(instance) }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: vm.snapshots)) ?? []
            return entries.filter { !$0.hasPrefix(".") && FileStatus.isDirectory("\(vm.snapshots)/\($0)") }.sorted()
        }
    }

    /// Throws `notFound` for an unknown VM and `refusal` for one that runs.
    private func requireStopped(_ instance: String, refusal: any Error) async throws {
        try Self.validate(name: instance)
        guard try await exists(name: instance) else { throw InstanceDriverError.notFound(instance) }
        guard try await runningPID(instance) == nil else { throw refusal }
    }

    /// Removes what a crash left in the snapshots directory (its dot entries).
    private func cleanUpSnapshots(of instance: String) async throws {
        let directory = files(instance).snapshots
        try await OffPool.run {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries where entry.hasPrefix(".") {
                try? FileManager.default.removeItem(atPath: "\(directory)/\(entry)")
            }
        }
    }
}
