/// What an instance takes from the host besides what `InstanceRuntimeState` counts: its own disk
/// use and the memory it may use. Slower to measure (a walk of its files), so asked for apart.
public struct InstanceMeasurements: Sendable, Equatable {
    /// Bytes allocated to the instance's own files (what a shared image base holds is not counted).
    public var diskUsage: UInt64
    /// Size of the file system the instance's files are on.
    public var diskSpace: UInt64
    /// The memory limit of a running instance, or the host's memory when it has none (or is stopped).
    public var memory: UInt64

    public init(diskUsage: UInt64, diskSpace: UInt64, memory: UInt64) {
        self.diskUsage = diskUsage
        self.diskSpace = diskSpace
        self.memory = memory
    }
}
