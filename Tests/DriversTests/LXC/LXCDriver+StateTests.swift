import Foundation
import Testing

@testable import Drivers

/// The state read from cgroups agrees with what `lxc-info` says, in each runtime state.
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct LXCDriverStateTests {
    private var fixture: LXCFixture {
        get throws { try #require(LXCFixture.current) }
    }

    /// `lxc-info -s -p`: the state name and the init pid (0 when stopped).
    private static func lxcInfo(_ driver: LXCDriver, _ name: String) async throws -> (state: String, pid: Int32) {
        let output = try await driver.lxc("lxc-info", name, ["-s", "-p"], timeout: .seconds(30), log: { _ in })
        var state = ""
        var pid: Int32 = 0
        for line in output.stdoutText.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "State" { state = parts[1] }
            if parts[0] == "PID" { pid = Int32(parts[1]) ?? 0 }
        }
        return (state, pid)
    }

    @Test func cgroupsTellWhatLXCInfoTellsInEveryState() async throws {
        try await fixture.withContainer("state") { driver, name in
            #expect(driver.cgroupState(name: name) == InstanceRuntimeState(status: .stopped))
            #expect(try await Self.lxcInfo(driver, name).state == "STOPPED")

            try await driver.start(name: name, log: { _ in })
            let running = try #require(driver.cgroupState(name: name))
            let info = try await Self.lxcInfo(driver, name)
            #expect(running.status == .running && info.state == "RUNNING")
            #expect(running.pid == info.pid && running.pid > 0)
            #expect(running.processes >= 1 && running.memoryUsage > 0 && running.cpuUsageNanoseconds > 0)

            try await driver.freeze(name: name, log: { _ in })
            let frozen = try #require(driver.cgroupState(name: name))
            #expect(frozen.status == .frozen && frozen.pid == info.pid)
            #expect(try await Self.lxcInfo(driver, name).state == "FROZEN")

            try await driver.unfreeze(name: name, log: { _ in })
            try await driver.stop(name: name, timeout: .seconds(10), force: true, log: { _ in })
            #expect(driver.cgroupState(name: name)?.status == .stopped)
            #expect(try await Self.lxcInfo(driver, name).state == "STOPPED")
        }
    }

    @Test func initIsTheProcessWhoseParentIsOutside() {
        // This test process's parent is outside any set of its own children.
        let me = getpid()
        #expect(LXCDriver.initProcess(of: [me]) == me)
        #expect(LXCDriver.parentProcess(of: me) == getppid())
        #expect(LXCDriver.initProcess(of: []) == 0)
        #expect(LXCDriver.parentProcess(of: -1) == nil)
    }
}
