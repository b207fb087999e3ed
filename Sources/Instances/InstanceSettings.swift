import Foundation

/// The server configuration that instances follow (`instances.vm.*`), applied at start and live on
/// every change of `PUT/PATCH /1.0`.
public struct InstanceSettings: Sendable, Equatable {
    /// `instances.vm.max_booting`: virtual machines booting at once. One per two cores: under TCG a
    /// boot keeps a core busy.
    public var maxBootingVirtualMachines: Int
    /// `instances.vm.boot_timeout`: how long a virtual machine may take to signal it is up before
    /// its start fails. Generous, for TCG on a busy host.
    public var virtualMachineBootTimeout: Duration

    public init(maxBootingVirtualMachines: Int? = nil, virtualMachineBootTimeout: Duration = .seconds(120)) {
        self.maxBootingVirtualMachines =
            maxBootingVirtualMachines ?? max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
        self.virtualMachineBootTimeout = virtualMachineBootTimeout
    }
}
