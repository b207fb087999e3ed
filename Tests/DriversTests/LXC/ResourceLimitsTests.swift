import Testing

@testable import Drivers

@Suite struct ResourceLimitsTests {
    let host = HostResources(memory: 8 << 30, onlineCPUs: CPUSet([0, 1]))

    private func limits(_ config: [String: String]) throws -> ResourceLimits {
        try ResourceLimits(config: config, host: host)
    }

    @Test func noKeysSetNoLimitsAndResetEveryManagedFile() throws {
        let none = try limits(["limits.memory": "", "boot.autostart": "true"])
        #expect(none.configured.isEmpty)
        let live = Dictionary(uniqueKeysWithValues: none.live.map { ($0.file, $0.value) })
        #expect(live["memory.limit_in_bytes"] == "-1")
        #expect(live["pids.max"] == "max")
        #expect(live["cpuset.cpus"] == .some(nil))
        #expect(live["cpu.shares"] == "1024")
        #expect(live["cpu.cfs_quota_us"] == "-1")
    }

    @Test(arguments: [("1", "0"), ("2", "0-1"), ("0-1", "0-1"), ("0,1", "0-1"), ("1", "0"), ("1-1", "1")])
    func limitsCpuIsACountOfTheFirstOnlineCPUsOrASet(value: String, cpus: String) throws {
        let set = try limits(["limits.cpu": value])
        #expect(set.cpus?.description == cpus)
        #expect(set.configured.map { "\($0.file)=\($0.value)" } == ["cpuset.cpus=\(cpus)"])
    }

    @Test(
        arguments: [
            ("50%", 512, nil, nil), ("100%", 1024, nil, nil), ("25ms/100ms", nil, 25000, 100_000),
        ] as [(String, Int?, Int?, Int?)])
    func limitsCpuAllowanceIsAWeightOrAQuota(value: String, shares: Int?, quota: Int?, period: Int?) throws {
        let set = try limits(["limits.cpu.allowance": value])
        #expect(set.cpuShares == shares)
        #expect(set.cpuQuota == quota)
        #expect(set.cpuPeriod == period)
    }

    @Test(arguments: [
        ("limits.memory", "lots", "expected a size such as 256MiB or 1GB, or a percentage"),
        ("limits.memory", "0", "expected a size such as 256MiB or 1GB, or a percentage"),
        ("limits.memory", "101%", "expected a percentage from 1% to 100%"),
        ("limits.processes", "-1", "expected a positive integer"),
        ("limits.cpu", "0", "expected a number of CPUs or a set of CPUs such as 0-1 or 0,2"),
        ("limits.cpu", "1-0", "expected a number of CPUs or a set of CPUs such as 0-1 or 0,2"),
        ("limits.cpu", "3", "the host has 2 CPUs online (0-1)"),
        ("limits.cpu", "0-2", "CPU 2 is not online (online: 0-1)"),
        ("limits.cpu", "5", "the host has 2 CPUs online (0-1)"),
        ("limits.cpu.allowance", "150%", "expected a percentage such as 50% or a time slice such as 25ms/100ms"),
        ("limits.cpu.allowance", "25ms", "expected a percentage such as 50% or a time slice such as 25ms/100ms"),
        ("limits.cpu.allowance", "0ms/100ms", "expected a percentage such as 50% or a time slice such as 25ms/100ms"),
        ("limits.cpu.allowance", "10ms/2000ms", "the period must be at most 1000ms"),
    ])
    func valuesThatCannotBeAppliedAreRefusedWithAReason(key: String, value: String, reason: String) {
        #expect(throws: InstanceDriverError.invalidConfig(key: key, value: value, reason: reason)) {
            try limits([key: value])
        }
    }

    /// `check` is what the API runs before it queues a change: it must refuse what create and
    /// reconfigure would, and it needs no container.
    @Test func checkRefusesWhatCreateWouldWithoutMakingAnything() async throws {
        let driver = LXCDriver(lxcPath: "/nonexistent/berth-check", idmap: IDMap(hostUID: 100000, hostGID: 100000))
        try await driver.check(InstanceSpec(name: "web1", config: ["limits.memory": "256MiB", "limits.cpu": "1"]))
        await #expect(
            throws: InstanceDriverError.invalidConfig(
                key: "limits.processes", value: "many", reason: "expected a positive integer")
        ) {
            try await driver.check(InstanceSpec(name: "web1", config: ["limits.processes": "many"]))
        }
        // Validated against this host's online CPUs.
        let online = try #require(HostResources.current().onlineCPUs)
        let beyond = online.cpus.last! + 1
        await #expect(
            throws: InstanceDriverError.invalidConfig(
                key: "limits.cpu", value: "\(beyond)-\(beyond)",
                reason: "CPU \(beyond) is not online (online: \(online))")
        ) {
            try await driver.check(InstanceSpec(name: "web1", config: ["limits.cpu": "\(beyond)-\(beyond)"]))
        }
        await #expect(throws: InstanceDriverError.invalidName("a b")) {
            try await driver.check(InstanceSpec(name: "a b"))
        }
        let unmapped = LXCDriver(lxcPath: "/nonexistent/berth-check", idmap: nil)
        await #expect(throws: InstanceDriverError.noIDMap) { try await unmapped.check(InstanceSpec(name: "web1")) }
        try await unmapped.check(InstanceSpec(name: "web1", privileged: true))
    }
}
