/// A live view of one instance, as LXD's `GET /1.0/instances/NAME/state` reports it. Counters
/// are zero when the instance is stopped.
public struct InstanceRuntimeState: Sendable, Equatable {
    /// LXD's three runtime states of a container.
    public enum Status: Sendable, Equatable {
        case running
        case stopped
        case frozen
    }

    public var status: Status
    /// The host pid of the instance's init; 0 when stopped.
    public var pid: Int32
    /// Tasks in the instance's cgroup (`pids.current`).
    public var processes: Int
    public var memoryUsage: UInt64
    public var memoryUsagePeak: UInt64
    public var cpuUsageNanoseconds: UInt64

    public init(
        status: Status, pid: Int32 = 0, processes: Int = 0, memoryUsage: UInt64 = 0, memoryUsagePeak: UInt64 = 0,
        cpuUsageNanoseconds: UInt64 = 0
    ) {
        self.status = status
        self.pid = pid
        self.processes = processes
        self.memoryUsage = memoryUsage
        self.memoryUsagePeak = memoryUsagePeak
        self.cpuUsageNanoseconds = cpuUsageNanoseconds
    }
}
