import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The service manager's watchdog (`WatchdogSec=`): a thread that sends `WATCHDOG=1` every half
/// timeout, as sd_watchdog_enabled(3) advises, for as long as `isHealthy` says the daemon still
/// works. A daemon that hangs stops pinging and systemd restarts it; one that merely runs a thread
/// would be pinged forever.
public final class SystemdWatchdog: Sendable {
    /// What WATCHDOG_USEC and WATCHDOG_PID ask for.
    public enum Setting: Sendable, Equatable {
        /// No watchdog, or one meant for another process (WATCHDOG_PID names a different pid).
        case disabled
        /// Pings are expected within `timeout`.
        case enabled(timeout: Duration)
        /// A variable is set but malformed; the text says which, for the log.
        case invalid(String)
    }

    /// The variables of the protocol, unset once read so that no child process pings for berthd.
    public static let variables = ["WATCHDOG_USEC", "WATCHDOG_PID"]

    /// Reads the variables as sd_watchdog_enabled does: WATCHDOG_USEC a positive count of
    /// microseconds, WATCHDOG_PID (optional) this process.
    public static func setting(environment: [String: String], pid: Int32) -> Setting {
        guard let usecText = environment["WATCHDOG_USEC"] else { return .disabled }
        guard let usec = UInt64(usecText), usec > 0, usec != UInt64.max else {
            return .invalid("WATCHDOG_USEC=\(usecText) is not a positive number of microseconds")
        }
        if let pidText = environment["WATCHDOG_PID"] {
            guard let watchdogPID = Int32(pidText), watchdogPID > 0 else {
                return .invalid("WATCHDOG_PID=\(pidText) is not a process id")
            }
            guard watchdogPID == pid else { return .disabled }
        }
        return .enabled(timeout: .microseconds(Int64(clamping: usec)))
    }

    /// Reads this process's variables and unsets them.
    public static func takeFromProcess() -> Setting {
        setting(environment: ProcessEnvironment.take(variables), pid: getpid())
    }

    public let interval: Duration
    private let notifier: SystemdNotifier
    private let isHealthy: @Sendable () -> Bool
    private let stopRequested = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    /// Pings every `timeout / 2` once started; `isHealthy` is asked before each ping.
    public init(notifier: SystemdNotifier, timeout: Duration, isHealthy: @escaping @Sendable () -> Bool = { true }) {
        self.notifier = notifier
        interval = timeout / 2
        self.isHealthy = isHealthy
    }

    /// Sends the first ping at once, then one per interval on a thread of its own, so a busy
    /// cooperative pool cannot delay it.
    public func start() {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        let thread = Thread { [self] in
            let nanoseconds =
                Int(interval.components.seconds) * 1_000_000_000
                + Int(interval.components.attoseconds / 1_000_000_000)
            repeat {
                if isHealthy() { notifier.notify("WATCHDOG=1") }
            } while stopRequested.wait(timeout: .now() + .nanoseconds(max(1, nanoseconds))) == .timedOut
            finished.signal()
        }
        thread.name = "berth-watchdog"
        thread.start()
    }

    /// Stops pinging; returns once the thread has sent its last ping.
    public func stop() {
        guard started.load(ordering: .relaxed), !stopped.exchange(true, ordering: .relaxed) else { return }
        stopRequested.signal()
        finished.wait()
    }
}
