import Drivers
import Store

extension InstanceService {
    /// The instance's runtime state and its measured use of the host. With no recent reading of
    /// its CPU counter, a second one is taken 200 ms after the first.
    public func machine(_ row: InstanceRow) async -> (InstanceRuntimeState, InstanceMachine) {
        var state = await self.state(row)
        let measured =
            (try? await driver(of: row).measurements(name: row.name))
            ?? InstanceMeasurements(diskUsage: 0, diskSpace: 0, memory: 0)
        var load = 0.0
        if state.status != .stopped {
            if let since = await cpuLoad.load(name: row.name, usage: state.cpuUsageNanoseconds, at: .now) {
                load = since
            } else {
                try? await Task.sleep(for: .milliseconds(200))
                state = await self.state(row)
                load = await cpuLoad.load(name: row.name, usage: state.cpuUsageNanoseconds, at: .now) ?? 0
            }
        } else {
            await cpuLoad.forget(name: row.name)
        }
        let machine = InstanceMachine(
            diskSpace: measured.diskSpace, diskUsage: measured.diskUsage, memory: measured.memory,
            freeMemory: measured.memory > state.memoryUsage ? measured.memory - state.memoryUsage : 0,
            cpuLoad: load, ipAddress: "")
        return (state, machine)
    }
}
