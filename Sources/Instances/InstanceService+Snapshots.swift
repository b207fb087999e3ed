import Drivers
import Foundation
import Images
import JSON
import Operations
import Store

extension InstanceService {
    public static let snapshotCreateType = "instance.snapshot.create"
    public static let snapshotDeleteType = "instance.snapshot.delete"
    public static let snapshotRenameType = "instance.snapshot.rename"
    public static let snapshotUpdateType = "instance.snapshot.update"
    public static let snapshotRestoreType = "instance.snapshot.restore"

    /// LXD 5.0's rules for the snapshot part of `inst/snap` (`lxd/instance/instance_utils.go`
    /// `ValidName`), plus what the driver needs to make it a directory. Nil when valid.
    public static func snapshotNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "Invalid snapshot name: Snapshot name cannot be empty" }
        if name == ".." || name.contains("/") || name.contains(" ") {
            return "Invalid snapshot name \"\(name)\": Snapshot name cannot contain \"/\", \" \" or be \"..\""
        }
        let bytes = Array(name.utf8)
        let storable =
            bytes.count <= 128 && bytes[0] != UInt8(ascii: ".") && bytes[0] != UInt8(ascii: "-")
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            }
        return storable
            ? nil
            : "Invalid snapshot name \"\(name)\": only letters, digits, \"-\", \"_\" and \".\" are supported, "
                + "not first \".\" or \"-\", up to 128 characters"
    }

    /// A ready snapshot; throws `Snapshot not found` (404) otherwise.
    public func snapshot(instance: String, name: String, project: String) throws -> SnapshotRow {
        guard let row = try database.read({ try $0.snapshot(instance: instance, name: name, project: project) }),
            row.phase == .ready
        else { throw InstanceError.snapshotNotFound }
        return row
    }

    /// The instance's ready snapshots, oldest first.
    public func snapshots(instance: String, project: String) throws -> [SnapshotRow] {
        try database.read { try $0.snapshots(instance: instance, project: project) }.filter { $0.phase == .ready }
    }

    /// LXD's name for a snapshot asked for without one: `snap<N>`, one more than the highest taken.
    public func nextSnapshotName(instance: String, project: String) throws -> String {
        let taken = try database.read { try $0.snapshots(instance: instance, project: project) }.map(\.name)
        let numbers = taken.compactMap { $0.hasPrefix("snap") ? Int($0.dropFirst(4)) : nil }
        return "snap\((numbers.max() ?? -1) + 1)"
    }

    /// Takes the snapshot's name (409 from here on) before its create operation is queued. A
    /// `creating` row with no unfinished create operation (`isBeingCreated`) was left by a failure
    /// and is replaced. Call `abandonSnapshot` if queueing fails.
    public func reserveSnapshot(_ row: SnapshotRow, isBeingCreated: () throws -> Bool) throws {
        if let problem = Self.snapshotNameProblem(row.name) { throw InstanceError.badRequest(problem) }
        let found = try database.read { try $0.snapshot(instance: row.instance, name: row.name, project: row.project) }
        let stale = found?.phase == .creating ? try !isBeingCreated() : false
        try database.write { connection in
            if let existing = try connection.snapshot(instance: row.instance, name: row.name, project: row.project) {
                guard existing.phase == .creating, stale else {
                    throw InstanceError.snapshotExists(row.name)
                }
                try connection.deleteSnapshot(instance: row.instance, name: row.name, project: row.project)
            }
            try connection.insertSnapshot(row)
        }
    }

    public func abandonSnapshot(instance: String, name: String, project: String) {
        _ = try? database.write { try $0.deleteSnapshot(instance: instance, name: name, project: project) }
    }

    /// The writable fields a restore or a copy of the snapshot gives an instance.
    public static func writable(_ snapshot: SnapshotRow) -> InstanceWritable {
        InstanceWritable(
            InstanceRow(
                name: snapshot.instance, project: snapshot.project, type: "container",
                architecture: snapshot.architecture, description: snapshot.description, ephemeral: snapshot.ephemeral,
                stateful: snapshot.stateful, config: snapshot.config, devices: snapshot.devices,
                profiles: snapshot.profiles, imageFingerprint: nil, createdAt: snapshot.createdAt, lastUsedAt: nil,
                phase: .ready))
    }

    /// The snapshot operation types.
    func snapshotDefinitions() -> [OperationDefinition] {
        [
            OperationDefinition(
                type: Self.snapshotCreateType, description: "Snapshotting instance",
                steps: [
                    // Safe to run again: the driver makes a snapshot whole or not at all, and a rerun
                    // keeps one an interrupted attempt completed.
                    Step("snapshot", idempotent: true, cancellable: false) { [self] context in
                        try await createSnapshot(context)
                    }
                ]),
            OperationDefinition(
                type: Self.snapshotRestoreType, description: "Restoring snapshot",
                steps: [
                    // Safe to run again: the swap of the root filesystem is atomic and a rerun makes it
                    // again from the snapshot; a container stopped by the first attempt is started.
                    Step("restore", idempotent: true, cancellable: false) { [self] context in
                        try await restoreSnapshot(context)
                    }
                ]),
            OperationDefinition(
                type: Self.snapshotDeleteType, description: "Deleting snapshot",
                steps: [
                    Step("delete", idempotent: true, cancellable: false) { [self] context in
                        try await deleteSnapshot(context)
                    }
                ]),
            OperationDefinition(
                type: Self.snapshotRenameType, description: "Renaming snapshot",
                steps: [
                    // Safe to run again: each side looks at which name exists before it moves anything.
                    Step("rename", idempotent: true, cancellable: false) { [self] context in
                        try await renameSnapshot(context)
                    }
                ]),
            OperationDefinition(
                type: Self.snapshotUpdateType, description: "Updating snapshot",
                steps: [
                    Step("update", idempotent: true, cancellable: false) { [self] context in
                        try await updateSnapshot(context)
                    }
                ]),
        ]
    }

    private func snapshotTarget(_ context: StepContext) -> (instance: String, snapshot: String, project: String) {
        (
            context.payload["name"]?.stringValue ?? "", context.payload["snapshot"]?.stringValue ?? "",
            context.payload["project"]?.stringValue ?? "default"
        )
    }

    /// The snapshot capability of the instance's driver.
    private func requireSnapshotDriver(name: String, project: String) throws -> any InstanceSnapshotDriver {
        guard let driver = try driver(name: name, project: project) as? any InstanceSnapshotDriver else {
            throw OperationFailure("Snapshots are not supported by this driver")
        }
        return driver
    }

    private func createSnapshot(_ context: StepContext) async throws {
        let (name, snapshot, project) = snapshotTarget(context)
        let driver = try requireSnapshotDriver(name: name, project: project)
        guard let row = try database.read({ try $0.snapshot(instance: name, name: snapshot, project: project) }) else {
            throw OperationFailure("Snapshot not found", code: 404)
        }
        if row.phase == .ready { return }
        let log = CommandLog()
        do {
            _ = try instance(name: name, project: project)
            let made = try await driver.snapshots(of: name).contains(snapshot)
            // One left by an earlier operation that failed after its copy is not this one's.
            if made && context.attempt == 1 {
                try await driver.deleteSnapshot(of: name, named: snapshot, log: log.sink)
            }
            if !made || context.attempt == 1 {
                let started = ContinuousClock.now
                try await driver.createSnapshot(of: name, named: snapshot, log: log.sink) { copied, total in
                    let seconds = max(0.001, Double((ContinuousClock.now - started).components.seconds))
                    Task {
                        await context.progress(
                            Progress(
                                stage: "create_snapshot", processed: copied, total: total,
                                speed: Int64(Double(copied) / seconds)))
                    }
                }
            }
            try database.write {
                try $0.setSnapshotPhase(instance: name, name: snapshot, project: project, phase: .ready)
            }
        } catch {
            await log.flush(to: context)
            abandonSnapshot(instance: name, name: snapshot, project: project)
            throw error
        }
        await log.flush(to: context)
        await emitSnapshot("instance-snapshot-created", name, snapshot)
    }

    private func restoreSnapshot(_ context: StepContext) async throws {
        let (name, snapshot, project) = snapshotTarget(context)
        let driver = try requireSnapshotDriver(name: name, project: project)
        let row = try instance(name: name, project: project)
        let saved: SnapshotRow
        do {
            saved = try self.snapshot(instance: name, name: snapshot, project: project)
        } catch {
            throw OperationFailure("Snapshot not found", code: 404)
        }
        let log = CommandLog()
        do {
            // Started again afterwards if it ran when the restore was asked for (a rerun after a crash
            // finds it stopped by the first attempt) or when it runs now.
            var restart = context.payload["was_running"]?.boolValue ?? false
            if try await driver.state(name: name).status != .stopped {
                restart = true
                try await driver.stop(name: name, timeout: .seconds(0), force: true, log: log.sink)
            }
            try await driver.restoreSnapshot(of: name, named: snapshot, log: log.sink)
            var values = Self.writable(saved)
            // Runtime keys are the instance's own, not the snapshot's.
            values.config = values.config.filter { !$0.key.hasPrefix("volatile.") }
            for (key, value) in InstanceWritable(row).config where key.hasPrefix("volatile.") {
                values.config[key] = value
            }
            try await driver.reconfigure(Self.spec(name: name, config: values.config), log: log.sink)
            let restored = values.applied(to: row)
            try database.write { try $0.updateInstance(restored) }
            if restart, try await driver.state(name: name).status == .stopped {
                try await driver.start(name: name, log: log.sink)
            }
        } catch {
            await log.flush(to: context)
            throw error
        }
        await log.flush(to: context)
        await lifecycle.emit(
            action: "instance-restored", source: "/1.0/instances/\(name)",
            context: .object([("snapshot", .string("\(name)/\(snapshot)"))]), requestor: nil)
    }

    private func deleteSnapshot(_ context: StepContext) async throws {
        let (name, snapshot, project) = snapshotTarget(context)
        let driver = try requireSnapshotDriver(name: name, project: project)
        guard try database.read({ try $0.snapshot(instance: name, name: snapshot, project: project) }) != nil else {
            return
        }
        let log = CommandLog()
        do {
            // The files first: a row without files would be a snapshot that cannot be restored.
            if try await driver.exists(name: name) {
                try await driver.deleteSnapshot(of: name, named: snapshot, log: log.sink)
            }
            try database.write { _ = try $0.deleteSnapshot(instance: name, name: snapshot, project: project) }
        } catch {
            await log.flush(to: context)
            throw error
        }
        await log.flush(to: context)
        await emitSnapshot("instance-snapshot-deleted", name, snapshot)
    }

    private func renameSnapshot(_ context: StepContext) async throws {
        let (name, snapshot, project) = snapshotTarget(context)
        let newName = context.payload["new_name"]?.stringValue ?? ""
        let driver = try requireSnapshotDriver(name: name, project: project)
        let (old, new) = try database.read { connection in
            (
                try connection.snapshot(instance: name, name: snapshot, project: project),
                try connection.snapshot(instance: name, name: newName, project: project)
            )
        }
        if old == nil, new != nil { return }  // done by an attempt the server did not finish
        guard old?.phase == .ready else { throw OperationFailure("Snapshot not found", code: 404) }
        guard new == nil else { throw OperationFailure("Name \"\(newName)\" already in use", code: 409) }
        let log = CommandLog()
        do {
            let onDisk = try await driver.snapshots(of: name)
            if !onDisk.contains(newName) || onDisk.contains(snapshot) {
                try await driver.renameSnapshot(of: name, from: snapshot, to: newName, log: log.sink)
            }
            try database.write { try $0.renameSnapshot(instance: name, name: snapshot, to: newName, project: project) }
        } catch {
            await log.flush(to: context)
            throw error
        }
        await log.flush(to: context)
        await lifecycle.emit(
            action: "instance-snapshot-renamed", source: "/1.0/instances/\(name)/snapshots/\(newName)",
            context: .object([("old_name", .string(snapshot))]), requestor: nil)
    }

    private func updateSnapshot(_ context: StepContext) async throws {
        let (name, snapshot, project) = snapshotTarget(context)
        let row: SnapshotRow
        do {
            row = try self.snapshot(instance: name, name: snapshot, project: project)
        } catch {
            throw OperationFailure("Snapshot not found", code: 404)
        }
        let expiresAt = context.payload["expires_at"]?.intValue.map(Int64.init)
        let description = context.payload["description"]?.stringValue ?? row.description
        try database.write {
            try $0.updateSnapshot(
                instance: name, name: snapshot, project: project, description: description, expiresAt: expiresAt)
        }
        await emitSnapshot("instance-snapshot-updated", name, snapshot)
    }

    /// `copy` of `source` (`inst/snap`) to a new instance of `spec`.
    /// Makes `spec`'s instance from snapshot `source` (`instance/snapshot`); `driver` runs the new
    /// instance, which is of the source's type.
    func copySnapshot(_ source: String, to spec: InstanceSpec, driver: any InstanceDriver, log: @escaping DriverLog)
        async throws
    {
        let parts = source.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw OperationFailure("Snapshot not found", code: 404) }
        guard let driver = driver as? any InstanceSnapshotDriver else {
            throw OperationFailure("Snapshots are not supported by this driver")
        }
        try await driver.copy(fromSnapshot: parts[1], of: parts[0], to: spec, log: log)
    }

    private func emitSnapshot(_ action: String, _ name: String, _ snapshot: String) async {
        await lifecycle.emit(
            action: action, source: "/1.0/instances/\(name)/snapshots/\(snapshot)", context: .object([]),
            requestor: nil)
    }

    /// Deletes expired snapshots (`expires_at` passed) through durable delete operations, checking
    /// every `interval`. Each snapshot gets one operation however often it is seen: its submissions
    /// share an idempotency key. Runs until the returned task is cancelled.
    @discardableResult
    public func startSnapshotExpiry(operations: OperationManager, interval: Duration = .seconds(2)) -> Task<Void, Never>
    {
        Task { [weak self, weak operations] in
            while !Task.isCancelled {
                guard let self, let operations else { return }
                await self.deleteExpiredSnapshots(operations: operations)
                try? await Task.sleep(for: interval)
            }
        }
    }

    func deleteExpiredSnapshots(operations: OperationManager) async {
        // A failed read or submit is tried again at the next tick.
        guard let expired = try? database.read({ try $0.expiredSnapshots(at: Timestamp.now().nanoseconds) }) else {
            return
        }
        for row in expired {
            let key = "snapshot-expiry/\(row.project)/\(row.instance)/\(row.name)/\(row.createdAt)"
            _ = try? await operations.submit(
                SubmitRequest(
                    type: Self.snapshotDeleteType, queueKey: Self.queueKey(project: row.project, name: row.instance),
                    payload: .object([
                        ("name", .string(row.instance)), ("project", .string(row.project)),
                        ("snapshot", .string(row.name)),
                    ]),
                    resources: [
                        "instances": ["/1.0/instances/\(row.instance)"],
                        "containers": ["/1.0/containers/\(row.instance)"],
                        "instances_snapshots": ["/1.0/instances/\(row.instance)/snapshots/\(row.name)"],
                    ],
                    project: row.project, idempotency: (key, key)))
        }
    }
}
