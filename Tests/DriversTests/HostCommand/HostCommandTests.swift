import Foundation
import Synchronization
import Testing

@testable import Drivers

@Suite struct HostCommandTests {
    @Test func capturesStandardOutputAndTheExitStatus() async throws {
        let output = try await HostCommand("/bin/echo", ["hello", "world"]).run()
        #expect(output.termination == .exited(0))
        #expect(output.stdoutText == "hello world\n")
        #expect(output.stderr.isEmpty)
    }

    @Test func writesInputToStandardInputWhileReadingOutput() async throws {
        // 1 MiB through cat: more than a pipe holds both ways, so input and output must interleave.
        let input = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let output = try await HostCommand("/bin/cat", input: input).run()
        #expect(output.stdout == input)
    }

    @Test func aNonZeroExitThrowsWithTheCommandLineStatusAndStandardError() async throws {
        let command = HostCommand(
            "/bin/sh", ["-c", "echo starting; echo first >&2; echo 'no such container' >&2; exit 3"])
        let error = try await #require(throws: HostCommandError.self) { try await command.run() }
        #expect(
            error
                == .failed(
                    command: command.description, termination: .exited(3), stderr: "first\nno such container"))
        #expect(
            error.description
                == "sh -c 'echo starting; echo first >&2; echo '\\''no such container'\\'' >&2; exit 3' failed "
                + "(exit 3): first\nno such container")
    }

    @Test func theErrorKeepsOnlyTheLastLinesOfStandardError() {
        let stderr = (1...20).map { "line \($0)" }.joined(separator: "\n")
        let error = HostCommandError.failed(command: "lxc-start -n web1", termination: .exited(1), stderr: stderr)
        #expect(
            error.description
                == "lxc-start -n web1 failed (exit 1): line 15\nline 16\nline 17\nline 18\nline 19\nline 20")
    }

    @Test func outputReturnsAFailureInsteadOfThrowing() async throws {
        let output = try await HostCommand("/bin/sh", ["-c", "exit 7"]).output()
        #expect(output.termination == .exited(7))
    }

    @Test func aProgramKilledByASignalFails() async throws {
        let error = try await #require(throws: HostCommandError.self) {
            try await HostCommand("/bin/sh", ["-c", "kill -9 $$"]).run()
        }
        guard case .failed(_, let termination, _) = error else { return #expect(Bool(false), "\(error)") }
        #expect(termination == .signalled(SIGKILL))
        #expect(error.description.hasSuffix("failed (killed by signal 9)"))
    }

    @Test func aTimeoutKillsTheProgramAndThrows() async throws {
        let started = ContinuousClock.now
        let error = try await #require(throws: HostCommandError.self) {
            try await HostCommand("/bin/sleep", ["600"], timeout: .milliseconds(200)).run()
        }
        #expect(error == .timedOut(command: "sleep 600", after: .milliseconds(200)))
        #expect(error.description == "sleep 600 did not finish within 0.2 seconds and was killed")
        // Killed, not waited for: far less than the 600 s it would have slept, even on a loaded machine.
        #expect(started.duration(to: .now) < .seconds(120))
    }

    @Test func aMissingProgramCannotBeStarted() async throws {
        let error = try await #require(throws: HostCommandError.self) {
            try await HostCommand("/nonexistent/lxc-start", ["-n", "web1"]).run()
        }
        #expect(error == .launchFailed(command: "lxc-start -n web1", errno: ENOENT))
        #expect(error.description == "cannot run lxc-start -n web1: No such file or directory")
    }

    @Test func anEnvironmentReplacesTheInheritedOne() async throws {
        let output = try await HostCommand("/usr/bin/env", environment: ["B": "2", "A": "1"]).run()
        #expect(output.stdoutText == "A=1\nB=2\n")
    }

    @Test(.timeLimit(.minutes(1)))
    func returnsWhenTheProgramExitsThoughADescendantKeepsItsOutputOpen() async throws {
        // As lxc-start -d does with its monitor: the program exits, something it started lives on.
        // The descendant would live 10 minutes: returning within the test's time limit shows the
        // wait did not hang on its open output.
        let output = try await HostCommand("/bin/sh", ["-c", "sleep 600 & echo $!"]).run()
        let descendant = try #require(Int32(output.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(descendant, 0) == 0)  // still running: the command did not wait for it
        kill(descendant, SIGKILL)
    }

    @Test func theLogGetsTheCommandLineThenStandardErrorThenTheStatus() async throws {
        let log = LogLines()
        _ = try? await HostCommand("/bin/sh", ["-c", "echo oops >&2; echo two >&2; exit 1"]).run(log: log.sink)
        #expect(log.all == ["$ sh -c 'echo oops >&2; echo two >&2; exit 1'", "oops", "two", "exit 1"])
    }

    @Test(arguments: [
        (["-n", "web1", "-P", "/var/lib/berth/containers"], "lxc-start -n web1 -P /var/lib/berth/containers"),
        (["a b", "it's", ""], #"lxc-start 'a b' 'it'\''s' ''"#),
    ])
    func theDescriptionQuotesOnlyWhatAShellWouldSplit(arguments: [String], expected: String) {
        #expect(HostCommand("/usr/bin/lxc-start", arguments).description == expected)
    }

    @Test func waitingDoesNotHoldTheCooperativePool() async throws {
        // More waiting commands than the pool has threads: if waiting blocked a thread, the probe
        // task below could only run once a command had finished.
        final class Counter: Sendable { let value = Mutex(0) }
        let finished = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await HostCommand("/bin/sleep", ["2"]).run()
                    finished.value.withLock { $0 += 1 }
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let probe = Task { finished.value.withLock { $0 } }
            #expect(await probe.value == 0)
            try await group.waitForAll()
        }
        #expect(finished.value.withLock { $0 } == 8)
    }

    @Test func theChildStartsWithDefaultSignalDispositions() async throws {
        // berthd ignores SIGINT and SIGTERM for its own handling, and an ignored disposition
        // survives exec: an LXC monitor started that way could not be interrupted. A shell that
        // starts with SIGINT ignored must keep ignoring it, so it shows what it inherited.
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        let output = try await HostCommand("/bin/sh", ["-c", "kill -INT $$; echo survived"]).output()
        #expect(output.termination == .signalled(SIGINT))
        #expect(output.stdoutText == "")
    }
}
