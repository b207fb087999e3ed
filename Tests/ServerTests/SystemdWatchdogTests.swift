import CLinux
import Foundation
import Synchronization
import Testing

@testable import Server

/// WATCHDOG_USEC/WATCHDOG_PID as sd_watchdog_enabled(3) reads them, and the pings on a real socket.
@Suite struct SystemdWatchdogTests {
    @Test(arguments: [
        ([:], SystemdWatchdog.Setting.disabled),
        (["WATCHDOG_USEC": "30000000"], .enabled(timeout: .seconds(30))),
        (["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "4242"], .enabled(timeout: .seconds(2))),
        // Set by a parent for itself: not ours.
        (["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"], .disabled),
        (["WATCHDOG_USEC": "0"], .invalid("WATCHDOG_USEC=0 is not a positive number of microseconds")),
        (["WATCHDOG_USEC": "soon"], .invalid("WATCHDOG_USEC=soon is not a positive number of microseconds")),
        (["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "x"], .invalid("WATCHDOG_PID=x is not a process id")),
    ])
    func readsTheVariables(environment: [String: String], expected: SystemdWatchdog.Setting) {
        #expect(SystemdWatchdog.setting(environment: environment, pid: 4242) == expected)
    }

    @Test func pingsEveryHalfTimeoutUntilStopped() throws {
        let listener = SystemdNotifierTests.Listener(temporaryNamed: "watchdog")
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path]))
        let watchdog = SystemdWatchdog(notifier: notifier, timeout: .milliseconds(200))
        #expect(watchdog.interval == .milliseconds(100))
        let started = ContinuousClock.now
        watchdog.start()
        for _ in 0..<4 { #expect(listener.receive() == "WATCHDOG=1") }
        // The first ping is immediate, then one per 100 ms.
        #expect(ContinuousClock.now - started >= .milliseconds(290))
        watchdog.stop()
        watchdog.stop()
        #expect(listener.receive(timeoutMilliseconds: 300) == nil)
    }

    @Test func anUnhealthyDaemonIsNotPinged() throws {
        let listener = SystemdNotifierTests.Listener(temporaryNamed: "watchdog")
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path]))
        let healthy = Atomic<Bool>(false)
        let watchdog = SystemdWatchdog(notifier: notifier, timeout: .milliseconds(100)) {
            healthy.load(ordering: .relaxed)
        }
        watchdog.start()
        defer { watchdog.stop() }
        #expect(listener.receive(timeoutMilliseconds: 300) == nil)
        healthy.store(true, ordering: .relaxed)
        #expect(listener.receive() == "WATCHDOG=1")
    }
}
