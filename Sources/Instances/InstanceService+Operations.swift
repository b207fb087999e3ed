import Drivers
import Images
import JSON
import Operations
import Store

extension InstanceService {
    /// The operation types of instances (LXD's descriptions), registered by the daemon.
    public func definitions() -> [OperationDefinition] {
        [
            OperationDefinition(
                type: Self.createType, description: "Creating instance",
                steps: [
                    Step("create", idempotent: true, cancellable: false) { [self] context in
                        try await create(context)
                    }
                ]),
            OperationDefinition(
                type: Self.stateType, description: "Changing instance state",
                steps: [
                    // Safe to run again: each action first looks at the state it would reach.
                    Step("change", idempotent: true, cancellable: false) { [self] context in
                        try await changeState(context)
                    }
                ]),
            OperationDefinition(
                type: Self.updateType, description: "Updating instance",
                steps: [
                    // Safe to run again: a rerun that finds the new values in place does nothing.
                    Step("update", idempotent: true, cancellable: false) { [self] context in
                        try await update(context)
                    }
                ]),
            OperationDefinition(
                type: Self.renameType, description: "Renaming instance",
                steps: [
                    // Not idempotent: after a crash half-way the two names cannot be told apart safely.
                    Step("rename", idempotent: false, cancellable: false) { [self] context in
                        try await rename(context)
                    }
                ]),
            OperationDefinition(
                type: Self.deleteType, description: "Deleting instance",
                steps: [
                    Step("delete", idempotent: true, cancellable: false) { [self] context in
                        try await delete(context)
                    }
                ]),
        ] + snapshotDefinitions() + execDefinitions()
    }

    private func target(_ context: StepContext) -> (name: String, project: String) {
        (context.payload["name"]?.stringValue ?? "", context.payload["project"]?.stringValue ?? "default")
    }

    private func create(_ context: StepContext) async throws {
        let (name, project) = target(context)
        guard let row = try database.read({ try $0.instance(name: name, project: project) }) else {
            throw OperationFailure("Instance not found", code: 404)
        }
        if row.phase == .ready { return }  // finished before the server stopped
        let driver = try driver(of: row)
        let log = CommandLog()
        do {
            // A container part-made by an attempt the server did not finish is made again.
            if try await driver.exists(name: name) { try await driver.delete(name: name, log: log.sink) }
            let spec = Self.spec(name: name, config: Self.config(row))
            if let source = context.payload["copy_from"]?.stringValue, source.contains("/") {
                try await copySnapshot(source, to: spec, driver: driver, log: log.sink)
            } else if let source = context.payload["copy_from"]?.stringValue {
                try await driver.copy(from: source, to: spec, log: log.sink)
            } else if let fingerprint = row.imageFingerprint {
                // A container copies the image's unpacked rootfs; a virtual machine its boot files
                // and disk, which the image keeps in its own directory.
                let source =
                    row.type == InstanceDrivers.virtualMachineType
                    ? images.virtualMachineFiles(fingerprint: fingerprint) : images.rootfs(fingerprint: fingerprint)
                try await driver.create(spec, rootfs: source, log: log.sink)
            } else {
                try await driver.create(spec, rootfs: nil, log: log.sink)
            }
            try database.write { try $0.setInstancePhase(name: name, project: project, phase: .ready) }
            await log.flush(to: context)
        } catch {
            await log.flush(to: context)
            // Nothing half-made stays: no container, no row.
            try? await driver.delete(name: name, log: { _ in })
            abandon(name: name, project: project)
            throw error
        }
        await lifecycle.emit(
            action: "instance-created", source: "/1.0/instances/\(name)", context: .object([]), requestor: nil)
    }

    private func changeState(_ context: StepContext) async throws {
        let (name, project) = target(context)
        let row = try instance(name: name, project: project)
        let driver = try driver(of: row)
        let action = context.payload["action"]?.stringValue ?? ""
        let force = context.payload["force"]?.boolValue ?? false
        let timeout = context.payload["timeout"]?.intValue ?? -1
        // LXD: a negative timeout is a clean shutdown of up to 10 minutes; force kills at once.
        let grace: Duration = .seconds(timeout < 0 ? 600 : timeout)
        let rerun = context.attempt > 1
        let log = CommandLog()
        do {
            try await perform(
                action, name: name, project: project, driver: driver,
                boots: row.type == InstanceDrivers.virtualMachineType, force: force, grace: grace, rerun: rerun,
                log: log)
        } catch {
            await log.flush(to: context)
            throw error
        }
        await log.flush(to: context)
    }

    private func perform(
        _ action: String, name: String, project: String, driver: any InstanceDriver, boots: Bool, force: Bool,
        grace: Duration, rerun: Bool, log: CommandLog
    ) async throws {
        // A virtual machine's start holds one of the boot slots until its guest is up.
        func start(_ body: @Sendable () async throws -> Void) async throws {
            guard boots else { return try await body() }
            if await bootSlots.isFull { log.sink("waiting for a free boot slot (instances.vm.max_booting)") }
            try await bootSlots.withSlot(body)
        }
        let current = try await driver.state(name: name).status
        switch action {
        case "start":
            if current == .running {
                guard rerun else { throw OperationFailure("The instance is already running") }
                // This start was interrupted after the runtime started: Success only once it is up.
                if let booting = driver as? any InstanceBootDriver {
                    try await start { try await booting.awaitStarted(name: name, log: log.sink) }
                }
                return
            }
            if current == .frozen {
                try await driver.unfreeze(name: name, log: log.sink)
            } else {
                try await start { try await driver.start(name: name, log: log.sink) }
            }
            try database.write { try $0.touchInstance(name: name, project: project, at: Timestamp.now().nanoseconds) }
            await emit("instance-started", name)
        case "stop":
            if current == .stopped {
                if rerun { return }
                throw OperationFailure("The instance is already stopped")
            }
            if current == .frozen && !force {
                throw OperationFailure("Cannot shutdown frozen instance (try force to stop)")
            }
            try await driver.stop(name: name, timeout: grace, force: force, log: log.sink)
            await emit(force ? "instance-stopped" : "instance-shutdown", name)
        case "restart":
            if current == .stopped {
                try await start { try await driver.start(name: name, log: log.sink) }
            } else {
                try await start { try await driver.restart(name: name, timeout: grace, force: force, log: log.sink) }
            }
            await emit("instance-restarted", name)
        case "freeze":
            if current == .frozen, rerun { return }
            guard current == .running else { throw OperationFailure("The instance isn't running") }
            try await driver.freeze(name: name, log: log.sink)
            await emit("instance-paused", name)
        case "unfreeze":
            if current == .running, rerun { return }
            guard current == .frozen else { throw OperationFailure("The instance isn't frozen") }
            try await driver.unfreeze(name: name, log: log.sink)
            await emit("instance-resumed", name)
        default:
            throw OperationFailure("Unknown action: '\(action)'")
        }
    }

    private func rename(_ context: StepContext) async throws {
        let (name, project) = target(context)
        let newName = context.payload["new_name"]?.stringValue ?? ""
        let driver = try driver(of: instance(name: name, project: project))
        guard try database.read({ try $0.instance(name: newName, project: project) }) == nil else {
            throw OperationFailure("Name \"\(newName)\" already in use", code: 409)
        }
        guard try await driver.state(name: name).status == .stopped else {
            throw OperationFailure("Renaming of running instance not allowed")
        }
        let log = CommandLog()
        do {
            try await driver.rename(from: name, to: newName, log: log.sink)
            try database.write { try $0.renameInstance(name: name, to: newName, project: project) }
        } catch {
            await log.flush(to: context)
            throw error
        }
        await log.flush(to: context)
        await lifecycle.emit(
            action: "instance-renamed", source: "/1.0/instances/\(newName)",
            context: .object([("old_name", .string(name))]), requestor: nil)
    }

    private func delete(_ context: StepContext) async throws {
        let (name, project) = target(context)
        guard let row = try database.read({ try $0.instance(name: name, project: project) }) else { return }
        let driver = try driver(of: row)
        let log = CommandLog()
        if try await driver.exists(name: name) {
            if try await driver.state(name: name).status != .stopped { throw OperationFailure("Instance is running") }
            try await driver.delete(name: name, log: log.sink)
        }
        await log.flush(to: context)
        try database.write { _ = try $0.deleteInstance(name: name, project: project) }
        await emit("instance-deleted", name)
    }

    private func emit(_ action: String, _ name: String) async {
        await lifecycle.emit(action: action, source: "/1.0/instances/\(name)", context: .object([]), requestor: nil)
    }

    /// The instance's own `config` as a dictionary.
    static func config(_ row: InstanceRow) -> [String: String] {
        var config: [String: String] = [:]
        for (key, value) in (try? JSONValue.parse(row.config))?.objectValue ?? [] {
            if let text = value.stringValue { config[key] = text }
        }
        return config
    }
}
