import Drivers

/// The drivers of the two kinds of instance LXD knows, chosen by an instance's `type`. Names are
/// unique across both (one table of instances), so each driver only ever sees its own instances.
public struct InstanceDrivers: Sendable {
    public static let containerType = "container"
    public static let virtualMachineType = "virtual-machine"

    public let container: any InstanceDriver
    /// Nil where this host cannot run virtual machines (no QEMU): creating one is refused up front.
    public let virtualMachine: (any InstanceDriver)?

    public init(container: any InstanceDriver, virtualMachine: (any InstanceDriver)? = nil) {
        self.container = container
        self.virtualMachine = virtualMachine
    }

    /// The driver of instances of `type` (LXD's `container` or `virtual-machine`).
    public func driver(for type: String) throws(InstanceError) -> any InstanceDriver {
        switch type {
        case Self.containerType: return container
        case Self.virtualMachineType:
            guard let virtualMachine else {
                throw .badRequest("Virtual machines aren't supported on this server (QEMU is not installed)")
            }
            return virtualMachine
        default: throw .badRequest("Invalid instance type \"\(type)\"")
        }
    }

    public var all: [any InstanceDriver] { [container] + (virtualMachine.map { [$0] } ?? []) }
}
