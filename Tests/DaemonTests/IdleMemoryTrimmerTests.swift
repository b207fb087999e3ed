import Synchronization
import Testing

@testable import Daemon

@Suite struct IdleMemoryTrimmerTests {
    /// A daemon's activity as the test scripts it, and the trims that happened.
    final class Script: Sendable {
        let state = Mutex<(work: Int64, busy: Bool, trims: Int, checks: Int)>((0, false, 0, 0))
        func activity() -> (work: Int64, busy: Bool) {
            state.withLock { state in
                state.checks += 1
                return (state.work, state.busy)
            }
        }
        var trims: Int { state.withLock { $0.trims } }
        var checks: Int { state.withLock { $0.checks } }
        func set(work: Int64? = nil, busy: Bool? = nil) {
            state.withLock { state in
                if let work { state.work = work }
                if let busy { state.busy = busy }
            }
        }
    }

    private func start(_ script: Script) -> Task<Void, Never> {
        let trimmer = IdleMemoryTrimmer(
            interval: .milliseconds(5), activity: { script.activity() },
            trim: { script.state.withLock { $0.trims += 1 } })
        return Task { await trimmer.run() }
    }

    /// Waits until the trimmer has looked at the activity `count` more times.
    private func checks(_ script: Script, _ count: Int) async throws {
        let target = script.checks + count
        while script.checks < target { try await Task.sleep(for: .milliseconds(2)) }
    }

    @Test func aQuietDaemonIsTrimmedOnceNotOnEveryCheck() async throws {
        let script = Script()
        let task = start(script)
        defer { task.cancel() }
        try await checks(script, 10)
        #expect(script.trims == 1)
    }

    @Test func aBusyDaemonIsNotTrimmedAndIsTrimmedAgainAfterTheNextQuietSpell() async throws {
        let script = Script()
        script.set(busy: true)
        let task = start(script)
        defer { task.cancel() }
        try await checks(script, 6)
        #expect(script.trims == 0)
        script.set(busy: false)
        try await checks(script, 6)
        #expect(script.trims == 1)
        // Requests or submissions between two checks count as activity even when nothing is
        // running at either.
        script.set(work: 5)
        try await checks(script, 1)
        let afterActivity = script.trims
        try await checks(script, 6)
        #expect(afterActivity == 1 && script.trims == 2)
    }
}
