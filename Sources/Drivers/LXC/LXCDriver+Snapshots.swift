import Foundation

/// Snapshots of LXC containers, in `<container>/snapshots/<snapshot>/`: the container's config,
/// and either its overlay delta with a link to the same base (`base`, `delta`) or a copy of its
/// directory rootfs (`rootfs`). They live inside the container's directory, so deleting the
/// container removes them and renaming it keeps them, and the base they share with the container is
/// in use for as long as they exist.
///
/// Why a crash at any point breaks nothing:
/// - A snapshot is built in `snapshots/.tmp-<uuid>` and renamed into place once complete; entries
///   starting with a dot are never listed, and the next change to the snapshots removes them.
/// - A container is frozen for a copy only after `snapshots/.frozen` exists, and that file goes only
///   after the thaw, so a container a crash left frozen is thawed by the next snapshot call.
/// - A restore copies the snapshot next to the container's delta and swaps the two in one
///   `renameat2(RENAME_EXCHANGE)`: the container has the old files or the new ones, never neither.
extension LXCDriver: InstanceSnapshotDriver {
    func snapshotsDirectory(_ instance: String) -> String { "\(containerDirectory(instance))/snapshots" }

    func snapshotDirectory(_ instance: String, _ snapshot: String) -> String {
        "\(snapshotsDirectory(instance))/\(snapshot)"
    }

    public func createSnapshot(
        of instance: String, named snapshot: String, log: @escaping DriverLog,
        progress: @escaping @Sendable (_ copied: Int64, _ total: Int64) -> Void
    ) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: snapshot)
        let (text, layout) = try await layout(of: instance)
        try await cleanUpSnapshots(of: instance, log: log)
        let target = snapshotDirectory(instance, snapshot)
        let temporary = "\(snapshotsDirectory(instance))/.tmp-\(UUID().uuidString.lowercased())"
        try await OffPool.run {
            if FileStatus.exists(target) { throw InstanceDriverError.alreadyExists(snapshot) }
            guard mkdir(temporary, 0o755) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: temporary, errno: errno)
            }
            try Self.writeAtomically(text, to: "\(temporary)/config")
        }
        do {
            let source: String
            switch layout {
            case .overlay:
                let key = try await OffPool.run { [self] in try RootfsBases.linkedKey(of: containerDirectory(instance))
                }
                guard let key else {
                    throw InstanceDriverError.fileSystem(
                        operation: "readlink", path: "\(containerDirectory(instance))/base", errno: ENOENT)
                }
                try await OffPool.run {
                    guard symlink("../../../.bases/\(key)", "\(temporary)/base") == 0 else {
                        throw InstanceDriverError.fileSystem(
                            operation: "symlink", path: "\(temporary)/base", errno: errno)
                    }
                }
                source = "delta"
            case .directory:
                source = "rootfs"
            }
            try await whileFrozen(instance, log: log) {
                try await copyWithProgress(
                    "\(containerDirectory(instance))/\(source)", to: "\(temporary)/\(source)", log: log,
                    progress: progress)
            }
            try await OffPool.run {
                guard Glibc.rename(temporary, target) == 0 else {
                    throw InstanceDriverError.fileSystem(operation: "rename", path: temporary, errno: errno)
                }
            }
            log("made snapshot \(target)")
        } catch {
            try? await bases.discard(temporary, log: log)
            throw error
        }
    }

    public func restoreSnapshot(of instance: String, named snapshot: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: snapshot)
        guard try await state(name: instance).status == .stopped else { throw InstanceDriverError.instanceRunning }
        try await cleanUpSnapshots(of: instance, log: log)
        let (_, layout) = try await layout(of: instance)
        let directory = containerDirectory(instance)
        let saved = snapshotDirectory(instance, snapshot)
        let part = layout == .overlay ? "delta" : "rootfs"
        guard try await OffPool.run({ FileStatus.isDirectory("\(saved)/\(part)") }) else {
            throw InstanceDriverError.notFound(snapshot)
        }
        // Next to the live tree, on the same file system, so the swap is one rename.
        let incoming = "\(snapshotsDirectory(instance))/.tmp-\(UUID().uuidString.lowercased())"
        do {
            try await copyTree("\(saved)/\(part)", to: incoming, shift: OwnershipShift(from: nil, to: nil), log: log)
            try await OffPool.run {
                try Self.exchange(incoming, "\(directory)/\(part)")
                if layout == .overlay {
                    // A new upper layer takes a new overlay identity, as a copied one does.
                    _ = LinuxSymbols.lremovexattr?("\(directory)/delta", "user.overlay.uuid")
                }
            }
            log("restored \(directory)/\(part) from \(saved)")
        } catch {
            try? await bases.discard(incoming, log: log)
            throw error
        }
        // What was swapped out is now the temporary.
        try await bases.discard(incoming, log: log)
        if layout == .overlay {
            // The work directory belongs to the old upper layer; the overlay wants an empty one.
            try await bases.discard("\(directory)/work", log: log)
            let idmap = try await OffPool.run { [self] in
                Self.idmap(inConfiguration: (try? String(contentsOfFile: configPath(instance), encoding: .utf8)) ?? "")
            }
            try await OffPool.run { try Self.makeOwnedDirectory("\(directory)/work", for: idmap) }
        }
    }

    public func deleteSnapshot(of instance: String, named snapshot: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: snapshot)
        try await cleanUpSnapshots(of: instance, log: log)
        try await bases.discard(snapshotDirectory(instance, snapshot), log: log)
    }

    public func renameSnapshot(of instance: String, from: String, to: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: from)
        try Self.validate(name: to)
        let (old, new) = (snapshotDirectory(instance, from), snapshotDirectory(instance, to))
        try await OffPool.run {
            guard FileStatus.isDirectory(old) else { throw InstanceDriverError.notFound(from) }
            try DirectoryRename.rename(old, to: new, name: to)
        }
        log("renamed \(old) to \(new)")
    }

    public func copy(
        fromSnapshot snapshot: String, of instance: String, to spec: InstanceSpec, log: @escaping DriverLog
    ) async throws {
        try Self.validate(name: instance)
        try Self.validate(name: snapshot)
        let saved = snapshotDirectory(instance, snapshot)
        let text = try await OffPool.run { try? String(contentsOfFile: "\(saved)/config", encoding: .utf8) }
        guard let text, let layout = Self.setting("lxc.rootfs.path", in: text).flatMap(RootfsLayout.init(lxcValue:))
        else { throw InstanceDriverError.notFound("\(instance)/\(snapshot)") }
        let sourceMap = Self.idmap(inConfiguration: text)
        try await make(spec, log: log) { [self] directory, idmap in
            let shift = OwnershipShift(from: sourceMap, to: idmap)
            switch layout {
            case .directory:
                try await copyTree("\(saved)/rootfs", to: "\(directory)/rootfs", shift: shift, log: log)
            case .overlay:
                guard let key = try await OffPool.run({ try RootfsBases.linkedKey(of: saved) }) else {
                    throw InstanceDriverError.fileSystem(operation: "readlink", path: "\(saved)/base", errno: ENOENT)
                }
                let image = try await OffPool.run { bases.image(of: key) }
                try await bases.link(directory, to: RootfsBases.key(key, for: idmap), image: image, log: log) { base in
                    try await copyTree("\(bases.directory)/\(key)", to: base, shift: shift, log: log)
                }
                try await copyTree("\(saved)/delta", to: "\(directory)/delta", shift: shift, log: log)
                try await OffPool.run { try Self.makeUpperLayer(directory, for: idmap) }
            }
            return layout
        }
    }

    public func snapshots(of instance: String) async throws -> [String] {
        try Self.validate(name: instance)
        return try await OffPool.run { [self] in
            guard FileStatus.isDirectory(containerDirectory(instance)) else {
                throw InstanceDriverError.notFound(instance)
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: snapshotsDirectory(instance))) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted()
        }
    }

    /// The container's config text and rootfs layout. Throws `notFound` without a config.
    private func layout(of instance: String) async throws -> (String, RootfsLayout) {
        let text = try await OffPool.run { [self] in try? String(contentsOfFile: configPath(instance), encoding: .utf8)
        }
        guard let text, let layout = Self.setting("lxc.rootfs.path", in: text).flatMap(RootfsLayout.init(lxcValue:))
        else { throw InstanceDriverError.notFound(instance) }
        return (text, layout)
    }

    /// Makes the snapshots directory if need be, and undoes what an interrupted call left: its
    /// temporaries, and a freeze it did not end.
    private func cleanUpSnapshots(of instance: String, log: @escaping DriverLog) async throws {
        let directory = snapshotsDirectory(instance)
        let (leftovers, frozenByUs) = try await OffPool.run {
            try Self.makeDirectory(directory, intermediate: false)
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return (entries.filter { $0.hasPrefix(".tmp-") }, entries.contains(".frozen"))
        }
        for entry in leftovers {
            log("removing \(directory)/\(entry), left by an interrupted snapshot call")
            try await bases.discard("\(directory)/\(entry)", log: log)
        }
        if frozenByUs {
            if (try? await state(name: instance).status) == .frozen {
                log("thawing \(instance), left frozen by an interrupted snapshot")
                try await setFrozen(instance, false, log: log)
            }
            _ = try await OffPool.run { unlink("\(directory)/.frozen") }
        }
    }

    /// Runs `body` with the container frozen if it runs, so that its files are copied as they were
    /// at one moment; a stopped or already frozen container is left as it is.
    private func whileFrozen(
        _ instance: String, log: @escaping DriverLog, _ body: () async throws -> Void
    ) async throws {
        guard try await state(name: instance).status == .running else {
            try await body()
            return
        }
        let marker = "\(snapshotsDirectory(instance))/.frozen"
        try await OffPool.run {
            let fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw InstanceDriverError.fileSystem(operation: "open", path: marker, errno: errno) }
            close(fd)
        }
        try await setFrozen(instance, true, log: log)
        do {
            try await body()
        } catch {
            try? await setFrozen(instance, false, log: log)
            _ = try? await OffPool.run { unlink(marker) }
            throw error
        }
        try await setFrozen(instance, false, log: log)
        _ = try await OffPool.run { unlink(marker) }
    }

    /// Freezes or thaws through the v1 freezer directly (`lxc-freeze` is a process and a round
    /// trip through the monitor, several times the whole copy of a small container), or with the
    /// tools where there is no v1 freezer.
    private func setFrozen(_ instance: String, _ frozen: Bool, log: @escaping DriverLog) async throws {
        guard let freezer = Self.controllerMounts["freezer"] else {
            try await lxc(frozen ? "lxc-freeze" : "lxc-unfreeze", instance, log: log)
            return
        }
        let file = "\(freezer)/\(cgroupNames(instance).payload)/freezer.state"
        let wanted = frozen ? "FROZEN" : "THAWED"
        log("\(wanted) > \(file)")
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while true {
            let reached = try await OffPool.run {
                let fd = open(file, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { throw InstanceDriverError.fileSystem(operation: "open", path: file, errno: errno) }
                let written = wanted.withCString { write(fd, $0, strlen($0)) }
                let code = errno
                close(fd)
                guard written >= 0 else {
                    throw InstanceDriverError.fileSystem(operation: "write", path: file, errno: code)
                }
                return Self.readLine(file) == wanted
            }
            if reached { return }
            // FREEZING: a task is in an uninterruptible sleep; the kernel finishes on a later write.
            guard ContinuousClock.now < deadline else {
                throw InstanceDriverError.fileSystem(operation: "freeze", path: file, errno: EBUSY)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// `copyTree` (owners kept) that reports progress every half second while it runs, measured as
    /// the size of what has arrived against the size of the source: a copy that ends sooner costs no
    /// measuring at all.
    private func copyWithProgress(
        _ source: String, to target: String, log: @escaping DriverLog,
        progress: @escaping @Sendable (_ copied: Int64, _ total: Int64) -> Void
    ) async throws {
        let reporter = Task {
            try await Task.sleep(for: .milliseconds(500))
            let total = try await OffPool.run { Self.treeSize(source) }
            while !Task.isCancelled {
                progress(try await OffPool.run { Self.treeSize(target) }, total)
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { reporter.cancel() }
        try await copyTree(source, to: target, shift: OwnershipShift(from: nil, to: nil), log: log)
    }

    /// The bytes of the regular files under `path`, symlinks not followed. Blocking.
    static func treeSize(_ path: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        while let entry = walker.nextObject() as? String {
            var info = stat()
            if lstat("\(path)/\(entry)", &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG {
                total += Int64(info.st_size)
            }
        }
        return total
    }

    private typealias RenameAt2 =
        @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32

    /// renameat2(2), which Swift's Glibc module does not import.
    private static let renameat2: RenameAt2? = dlsym(dlopen(nil, RTLD_NOW), "renameat2").map {
        unsafeBitCast($0, to: RenameAt2.self)
    }

    /// Swaps two paths in one step (RENAME_EXCHANGE). Where the kernel or libc lacks it, `b` is
    /// renamed aside and `a` into its place: a crash in between leaves `b` missing, which the
    /// restore's retry puts right. Blocking.
    static func exchange(_ a: String, _ b: String) throws {
        let renameExchange: UInt32 = 1 << 1
        if let renameat2, renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0 { return }
        let aside = "\(a).old"
        guard Glibc.rename(b, aside) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "rename", path: b, errno: errno)
        }
        guard Glibc.rename(a, b) == 0 else {
            let code = errno
            _ = Glibc.rename(aside, b)
            throw InstanceDriverError.fileSystem(operation: "rename", path: a, errno: code)
        }
        guard Glibc.rename(aside, a) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "rename", path: aside, errno: errno)
        }
    }
}
