import Drivers
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `reconfigure`: limits for the next start, and at once on a running container.
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct LXCDriverLimitsTests {
    private var fixture: LXCFixture {
        get throws { try #require(LXCFixture.current) }
    }

    private static let unlimitedMemory = "9223372036854771712"

    @Test func reconfiguringARunningContainerChangesItsCgroupsAtOnceAndForItsNextStart() async throws {
        try await fixture.withContainer("limits", config: ["limits.memory": "256MiB"]) { driver, name in
            try await driver.start(name: name, log: { _ in })
            var pid = try await driver.state(name: name).pid
            #expect(try LXCFixture.cgroupValue(of: pid, "memory.limit_in_bytes") == "268435456")
            let allCPUs = try LXCFixture.cgroupValue(of: pid, "cpuset.cpus")

            let limits = [
                "limits.memory": "128MiB", "limits.processes": "50", "limits.cpu": "1", "limits.cpu.allowance": "50%",
            ]
            let log = LogLines()
            try await driver.reconfigure(InstanceSpec(name: name, config: limits), log: log.sink)
            #expect(try LXCFixture.cgroupValue(of: pid, "memory.limit_in_bytes") == "134217728")
            #expect(try LXCFixture.cgroupValue(of: pid, "pids.max") == "50")
            #expect(try LXCFixture.cgroupValue(of: pid, "cpuset.cpus") == "0")
            #expect(try LXCFixture.cgroupValue(of: pid, "cpu.shares") == "512")
            #expect(log.all.contains { $0.hasSuffix("/memory.limit_in_bytes to 134217728") })

            // The config carries them to the next start.
            try await driver.stop(name: name, timeout: .seconds(10), force: true, log: { _ in })
            try await driver.start(name: name, log: { _ in })
            pid = try await driver.state(name: name).pid
            #expect(try LXCFixture.cgroupValue(of: pid, "memory.limit_in_bytes") == "134217728")
            #expect(try LXCFixture.cgroupValue(of: pid, "pids.max") == "50")
            #expect(try LXCFixture.cgroupValue(of: pid, "cpuset.cpus") == "0")

            // Removing the keys removes the limits.
            try await driver.reconfigure(InstanceSpec(name: name), log: { _ in })
            #expect(try LXCFixture.cgroupValue(of: pid, "memory.limit_in_bytes") == Self.unlimitedMemory)
            #expect(try LXCFixture.cgroupValue(of: pid, "pids.max") == "max")
            #expect(try LXCFixture.cgroupValue(of: pid, "cpuset.cpus") == allCPUs)
            #expect(try LXCFixture.cgroupValue(of: pid, "cpu.shares") == "1024")
            let config = try String(contentsOfFile: "\(driver.lxcPath)/\(name)/config", encoding: .utf8)
            let limitLines = config.split(separator: "\n").filter {
                $0.hasPrefix("lxc.cgroup.") && !$0.hasPrefix("lxc.cgroup.dir.")
            }
            #expect(limitLines.isEmpty)
        }
    }

    @Test func aStoppedContainerIsReconfiguredForItsNextStart() async throws {
        try await fixture.withContainer("stopped") { driver, name in
            try await driver.reconfigure(
                InstanceSpec(name: name, config: ["limits.processes": "40", "limits.cpu.allowance": "20ms/100ms"]),
                log: { _ in })
            try await driver.start(name: name, log: { _ in })
            let pid = try await driver.state(name: name).pid
            #expect(try LXCFixture.cgroupValue(of: pid, "pids.max") == "40")
            #expect(try LXCFixture.cgroupValue(of: pid, "cpu.cfs_quota_us") == "20000")
            #expect(try LXCFixture.cgroupValue(of: pid, "cpu.cfs_period_us") == "100000")
        }
    }

    @Test func aLimitTheKernelRefusesChangesNothing() async throws {
        try await fixture.withContainer("refused", config: ["limits.processes": "60"]) { driver, name in
            try await driver.start(name: name, log: { _ in })
            let pid = try await driver.state(name: name).pid
            let configPath = "\(driver.lxcPath)/\(name)/config"
            let before = try String(contentsOfFile: configPath, encoding: .utf8)
            // Less memory than the container uses: the kernel cannot reclaim it and says EBUSY,
            // after the process limit was already changed.
            let error = try await #require(throws: InstanceDriverError.self) {
                try await driver.reconfigure(
                    InstanceSpec(name: name, config: ["limits.processes": "30", "limits.memory": "4KiB"]), log: { _ in }
                )
            }
            guard case .fileSystem(let operation, let path, let code) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(operation == "write 4096 to" && path.hasSuffix("/memory.limit_in_bytes") && code == EBUSY)
            #expect(try LXCFixture.cgroupValue(of: pid, "pids.max") == "60")
            #expect(try LXCFixture.cgroupValue(of: pid, "memory.limit_in_bytes") == Self.unlimitedMemory)
            #expect(try String(contentsOfFile: configPath, encoding: .utf8) == before)
        }
    }

    @Test func checkAndReconfigureRefuseBadValuesAndAChangeOfPrivilege() async throws {
        try await fixture.withContainer("checked") { driver, name in
            let bad = InstanceSpec(name: name, config: ["limits.cpu": "many"])
            let reason = "expected a number of CPUs or a set of CPUs such as 0-1 or 0,2"
            let refusal = InstanceDriverError.invalidConfig(key: "limits.cpu", value: "many", reason: reason)
            await #expect(throws: refusal) { try await driver.check(bad) }
            await #expect(throws: refusal) { try await driver.reconfigure(bad, log: { _ in }) }
            await #expect(throws: refusal) {
                try await driver.create(InstanceSpec(name: "never", config: bad.config), rootfs: nil, log: { _ in })
            }
            #expect(try await !driver.exists(name: "never"))

            let privileged = InstanceSpec(name: name, privileged: true)
            let change = InstanceDriverError.invalidConfig(
                key: "security.privileged", value: "true",
                reason: "changing it on an existing container is not supported")
            await #expect(throws: change) { try await driver.check(privileged) }
            await #expect(throws: change) { try await driver.reconfigure(privileged, log: { _ in }) }
            await #expect(throws: InstanceDriverError.notFound("absent")) {
                try await driver.reconfigure(InstanceSpec(name: "absent"), log: { _ in })
            }
            try await driver.check(InstanceSpec(name: name, config: ["limits.memory": "50%"]))
        }
    }
}
