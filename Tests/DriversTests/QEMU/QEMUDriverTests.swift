import Foundation
import Testing

@testable import Drivers

#if canImport(Glibc)
    import Glibc
#endif

/// Real VMs of the test image under TCG. Each boot costs 3–4 s, so the lifecycle is one test
/// that boots twice: start, freeze, exec through the agent, re-attach from a second driver,
/// restart with force, clean stop.
@Suite(
    .serialized, .enabled(if: QEMUFixture.isAvailable, "qemu-system-x86_64 is not installed"), .qemuFixture)
struct QEMUDriverTests {
    var fixture: QEMUFixture { QEMUFixture.current! }

    @Test func bootsFreezesExecsAndIsStoppedByAnotherDriverAfterARestart() async throws {
        let driver = fixture.driver()
        let log = LogLines()
        try await driver.create(
            InstanceSpec(name: "v1", config: ["limits.memory": "256MiB"]), rootfs: fixture.agentImage, log: log.sink)
        #expect(try await driver.state(name: "v1") == InstanceRuntimeState(status: .stopped))

        try await driver.start(name: "v1", log: log.sink)
        let running = try await driver.state(name: "v1")
        #expect(running.status == .running)
        #expect(running.pid > 0)
        #expect(running.processes == -1)
        #expect(running.memoryUsage > 0)
        #expect(log.all.contains { $0.hasPrefix("$ qemu-system-x86_64 ") && $0.contains("-m 256M") })
        #expect(log.all.contains { $0.contains("BERTH-VM-READY") })
        await #expect(throws: InstanceDriverError.alreadyRunning) { try await driver.start(name: "v1", log: log.sink) }
        await #expect(throws: InstanceDriverError.instanceRunning) {
            try await driver.delete(name: "v1", log: log.sink)
        }
        await #expect(throws: QEMUDriverError.snapshotOfRunningVM) {
            try await driver.createSnapshot(of: "v1", named: "s1", log: log.sink, progress: { _, _ in })
        }

        try await driver.freeze(name: "v1", log: log.sink)
        #expect(try await driver.state(name: "v1").status == .frozen)
        await #expect(throws: InstanceDriverError.alreadyFrozen) { try await driver.freeze(name: "v1", log: log.sink) }
        try await driver.unfreeze(name: "v1", log: log.sink)
        #expect(try await driver.state(name: "v1").status == .running)

        try await driver.checkExec(name: "v1", user: 0, group: 0)
        await #expect(throws: QEMUDriverError.execAsUserUnsupported(user: 1000, group: 0)) {
            try await driver.checkExec(name: "v1", user: 1000, group: 0)
        }
        let agent = driver.files("v1").agentSocket
        let uname = try await agentExec(agent, ExecRequest(instance: "v1", command: ["uname", "-a"]))
        #expect(uname.code == 0)
        #expect(uname.stdout.hasPrefix("Linux "))
        let shell = try await agentExec(
            agent,
            ExecRequest(
                instance: "v1", command: ["sh", "-c", #"echo "$GREETING"; pwd; echo oops >&2; exit 3"#],
                environment: ["GREETING": "it's a VM", "HOME": "/root"], cwd: "/tmp"))
        #expect(shell == AgentResult(code: 3, stdout: "it's a VM\n/tmp\n", stderr: "oops\n"))

        // Another driver on the same directory (berthd restarted) finds the VM and controls it.
        let again = fixture.driver()
        #expect(try await again.state(name: "v1").pid == running.pid)
        try await again.restart(name: "v1", timeout: .seconds(30), force: true, log: log.sink)
        let restarted = try await again.state(name: "v1")
        #expect(restarted.status == .running)
        #expect(restarted.pid != running.pid)
        #expect(!QEMUDriver.isQEMU(running.pid, of: driver.files("v1")))

        try await again.stop(name: "v1", timeout: .seconds(30), force: false, log: log.sink)
        #expect(try await again.state(name: "v1") == InstanceRuntimeState(status: .stopped))
        #expect(log.all.contains("the guest powered off"))
        #expect(QEMUFixture.processes(mentioning: "\(fixture.vms)/v1/").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: driver.files("v1").qmpSocket))
        await #expect(throws: InstanceDriverError.alreadyStopped) {
            try await again.stop(name: "v1", timeout: .seconds(1), force: false, log: log.sink)
        }
        #expect(try await again.logFiles(of: "v1") == ["console.log", "qemu.log"])
        let console = try String(contentsOfFile: try again.logPath(of: "v1", file: "console.log"), encoding: .utf8)
        #expect(console.contains("BERTH-VM-READY"))
        try await again.delete(name: "v1", log: log.sink)
        #expect(try await again.list() == [])
    }

    @Test func aGuestThatNeverSignalsFailsTheStartWithItsConsoleAndLeavesNoQEMU() async throws {
        let driver = fixture.driver()
        driver.bootTimeout = .seconds(5)
        let log = LogLines()
        try await driver.create(InstanceSpec(name: "hang"), rootfs: fixture.hangImage, log: log.sink)
        let started = ContinuousClock.now
        var failure: QEMUDriverError?
        do {
            try await driver.start(name: "hang", log: log.sink)
        } catch let error as QEMUDriverError {
            failure = error
        }
        let elapsed = started.duration(to: .now)
        guard case .bootFailed(let name, let reason, let console) = failure else {
            Issue.record("expected bootFailed, got \(String(describing: failure))")
            return
        }
        #expect(name == "hang")
        #expect(reason == "the guest did not signal that it was up within 5.0 seconds")
        #expect(elapsed >= .seconds(5) && elapsed < .seconds(60))
        let tail = QEMUDriver.tail(of: driver.files("hang").consoleLog, lines: 20)
        #expect(console == tail)
        #expect("\(failure!)".contains("Last console lines:"))
        if let last = tail.last { #expect("\(failure!)".hasSuffix(last)) }
        #expect(QEMUFixture.processes(mentioning: "\(fixture.vms)/hang/").isEmpty)
        #expect(try await driver.state(name: "hang") == InstanceRuntimeState(status: .stopped))
        try await driver.delete(name: "hang", log: log.sink)
    }

    struct AgentResult: Equatable {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    /// What the `vm-agent-exec` helper would print and return for `request`, run in-process.
    private func agentExec(_ socket: String, _ request: ExecRequest) async throws -> AgentResult {
        let script = Data(VMAgentScript.make(for: request).utf8).base64EncodedString()
        return try await OffPool.run {
            var output: [Int32: [UInt8]] = [:]
            let code = VMAgentExec.run(socket: socket, script: script) { fd, bytes in output[fd, default: []] += bytes }
            return AgentResult(
                code: code, stdout: String(decoding: output[1] ?? [], as: UTF8.self),
                stderr: String(decoding: output[2] ?? [], as: UTF8.self))
        }
    }
}
