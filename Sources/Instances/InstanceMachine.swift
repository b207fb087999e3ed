/// An instance's use of the host, measured, in the `/1.0/vz` API's terms.
public struct InstanceMachine: Sendable, Equatable {
    public var diskSpace: UInt64
    public var diskUsage: UInt64
    public var memory: UInt64
    public var freeMemory: UInt64
    /// CPU time used per second (1.0 = one core busy).
    public var cpuLoad: Double
    /// Empty: instances have no network device yet.
    public var ipAddress: String

    public init(
        diskSpace: UInt64, diskUsage: UInt64, memory: UInt64, freeMemory: UInt64, cpuLoad: Double, ipAddress: String
    ) {
        self.diskSpace = diskSpace
        self.diskUsage = diskUsage
        self.memory = memory
        self.freeMemory = freeMemory
        self.cpuLoad = cpuLoad
        self.ipAddress = ipAddress
    }
}
