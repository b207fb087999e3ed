import Testing

@testable import Drivers

@Suite struct VMLimitsTests {
    @Test func defaultsAreOneGiBAndOneCPU() throws {
        #expect(try VMLimits(config: [:], hostMemory: nil) == VMLimits(memory: 1 << 30, cpus: 1))
    }

    @Test(arguments: [
        ("256MiB", "", UInt64(256 << 20), 1), ("1GB", "2", 1_000_000_000, 2), ("50%", "0-3", 2 << 30, 4),
        ("2GiB", "1,3", 2 << 30, 2),
    ])
    func limitsMapToMemoryAndCPUs(memory: String, cpu: String, bytes: UInt64, cpus: Int) throws {
        let limits = try VMLimits(config: ["limits.memory": memory, "limits.cpu": cpu], hostMemory: 4 << 30)
        #expect(limits == VMLimits(memory: bytes, cpus: cpus))
    }

    @Test(arguments: [
        ("limits.memory", "lots"), ("limits.memory", "1MiB"), ("limits.memory", "0%"), ("limits.cpu", "0"),
        ("limits.cpu", "256"), ("limits.cpu", "3-1"),
    ])
    func valuesQEMUCannotTakeAreRefused(key: String, value: String) {
        #expect(throws: InstanceDriverError.self) { try VMLimits(config: [key: value], hostMemory: 4 << 30) }
    }

    @Test func memoryIsGivenInWholeMiB() {
        #expect(VMLimits(memory: (256 << 20) + 5, cpus: 1).memoryArgument == "256M")
    }
}
