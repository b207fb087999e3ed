import Drivers
import Foundation
import Images
import JSON
import Operations
import Store

/// Instances: their rows, the operations that change them, and the driver that runs them. The API
/// validates through this service before anything is queued; the operation types run the driver.
public final class InstanceService: Sendable {
    public static let createType = "instance.create"
    public static let stateType = "instance.state"
    public static let deleteType = "instance.delete"
    public static let renameType = "instance.rename"
    public static let updateType = "instance.update"

    let database: Database
    let images: ImageStore
    public let drivers: InstanceDrivers
    let lifecycle: LifecycleEmitter
    let cpuLoad = CPULoadSampler()
    let bootSlots = BootSlots(capacity: InstanceSettings().maxBootingVirtualMachines)
    /// Live exec and console sessions, which their websockets attach to.
    public let execSessions = ExecSessions()

    public init(database: Database, images: ImageStore, drivers: InstanceDrivers, lifecycle: LifecycleEmitter) {
        self.database = database
        self.images = images
        self.drivers = drivers
        self.lifecycle = lifecycle
    }

    /// Follows `instances.vm.*`; boots already waiting or running keep going.
    public func apply(_ settings: InstanceSettings) async {
        await bootSlots.setCapacity(settings.maxBootingVirtualMachines)
        (drivers.virtualMachine as? QEMUDriver)?.bootTimeout = settings.virtualMachineBootTimeout
    }

    /// The driver that runs `row`'s instance.
    func driver(of row: InstanceRow) throws(InstanceError) -> any InstanceDriver {
        try drivers.driver(for: row.type)
    }

    /// The driver of an instance known by name; `notFound` if there is no such instance.
    func driver(name: String, project: String) throws -> any InstanceDriver {
        guard let row = try database.read({ try $0.instance(name: name, project: project) }) else {
            throw InstanceError.notFound
        }
        return try driver(of: row)
    }

    /// One instance's changes run one at a time, in order.
    public static func queueKey(project: String, name: String) -> String { "instance/\(project)/\(name)" }

    public func instance(name: String, project: String) throws -> InstanceRow {
        guard let row = try database.read({ try $0.instance(name: name, project: project) }), row.phase == .ready
        else { throw InstanceError.notFound }
        return row
    }

    public func instances(project: String?) throws -> [InstanceRow] {
        try database.read { try $0.instances(project: project) }.filter { $0.phase == .ready }
    }

    /// The runtime state, or Stopped when the driver cannot tell (a container that vanished).
    public func state(_ row: InstanceRow) async -> InstanceRuntimeState {
        guard let driver = try? driver(of: row) else { return InstanceRuntimeState(status: .stopped) }
        return (try? await driver.state(name: row.name)) ?? InstanceRuntimeState(status: .stopped)
    }

    /// Records a new instance as `creating`: its name is taken from here on (409 for the next
    /// request), and the create operation makes the container. Call `abandon` if queueing fails.
    public func reserve(_ row: InstanceRow) throws {
        if let problem = InstanceName.problem(row.name) { throw InstanceError.invalidName(problem) }
        try database.write { connection in
            guard try connection.instance(name: row.name, project: row.project) == nil else {
                throw InstanceError.alreadyExists(row.name)
            }
            try connection.insertInstance(row)
        }
    }

    public func abandon(name: String, project: String) {
        _ = try? database.write { try $0.deleteInstance(name: name, project: project) }
    }

    /// At start: a row still `creating` whose operation is gone (the server stopped between the
    /// row and the operation) is removed with whatever container part exists. Returns the names.
    public func reconcile(unfinishedCreates: Set<String>) async -> [String] {
        let rows = (try? database.read { try $0.instances(project: nil) }) ?? []
        var removed: [String] = []
        for row in rows where row.phase == .creating && !unfinishedCreates.contains(row.name) {
            if let driver = try? driver(of: row), (try? await driver.exists(name: row.name)) == true {
                try? await driver.delete(name: row.name, log: { _ in })
            }
            abandon(name: row.name, project: row.project)
            removed.append(row.name)
        }
        return removed
    }
}
