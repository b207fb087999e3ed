import Foundation
import JSON
import Testing

@testable import Drivers

#if canImport(Glibc)
    import Glibc
#endif

/// QMP against a real QEMU that never boots anything: a paused (`-S`) machine with no kernel,
/// its monitor and a serial port nobody answers on, on unix sockets.
@Suite(.enabled(if: QEMUFixture.isAvailable, "qemu-system-x86_64 is not installed"))
struct QMPClientTests {
    @Test func executesCommandsSkipsEventsAndReportsErrors() async throws {
        try await withPausedQEMU { directory, process in
            // Sent at once: the client retries until QEMU listens.
            let client = QMPClient(socketPath: "\(directory)/qmp.sock")
            #expect(try await client.execute("query-status")["status"]?.stringValue == "prelaunch")
            _ = try await client.execute("cont")
            #expect(try await client.execute("query-status")["status"]?.stringValue == "running")
            _ = try await client.execute("stop")
            #expect(try await client.execute("query-status")["status"]?.stringValue == "paused")
            let name = try await client.execute("query-name")
            #expect(name["name"]?.stringValue == "qmp-test")

            await #expect(
                throws: QMPError.commandFailed(
                    command: "no-such-command", errorClass: "CommandNotFound",
                    description: "The command no-such-command has not been found")
            ) {
                _ = try await client.execute("no-such-command")
            }

            do {
                _ = try await client.execute("quit")
            } catch QMPError.socket(.closed) {
                // QEMU may close the monitor before its reply is read.
            }
            process.waitUntilExit()
            #expect(!process.isRunning)
        }
    }

    @Test func connectingToNothingFailsWithTheSocketsError() async throws {
        let client = QMPClient(socketPath: "/tmp/berth-no-such-qmp.sock", connectTimeout: .milliseconds(50))
        await #expect(throws: QMPError.socket(.connect(path: "/tmp/berth-no-such-qmp.sock", errno: ENOENT))) {
            _ = try await client.execute("query-status")
        }
    }

    @Test func anAgentPortWithoutAnAgentIsLXDsAgentError() async throws {
        try await withPausedQEMU { directory, _ in
            let started = ContinuousClock.now
            #expect {
                try QEMUDriver.pingAgent(socket: "\(directory)/agent.sock", timeout: .milliseconds(500))
            } throws: { error in
                "\(error)" == "VM agent isn't currently running"
            }
            #expect(started.duration(to: .now) < .seconds(30))
        }
    }

    /// Runs `body` with a QEMU that is paused before it runs anything, killed afterwards.
    private func withPausedQEMU(_ body: (String, Process) async throws -> Void) async throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: QEMUDriver.findQEMU()!)
        process.arguments = [
            "-name", "qmp-test", "-machine", "q35,accel=tcg", "-nodefaults", "-no-user-config", "-display", "none",
            "-monitor", "none", "-S", "-qmp", "unix:\(directory)/qmp.sock,server=on,wait=off",
            "-chardev", "socket,id=agent,path=\(directory)/agent.sock,server=on,wait=off", "-serial", "chardev:agent",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        try await body(directory, process)
    }
}
