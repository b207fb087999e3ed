import CLinux
import Foundation
import Operations
import Server
import Store

/// Gives memory back once the daemon has gone quiet: SQLite's page caches (a few MB per
/// connection after a busy spell) and what glibc keeps of freed heap. A host daemon spends most of
/// its life idle, and its resident size then is what admins see. Quiet means no request was
/// served and no operation submitted, queued or running over two checks in a row (2-3 s): a read
/// such as listing a thousand operations fills caches as much as a write does. It trims once per
/// quiet spell, so a busy daemon never pays for it; a trim took ~5 ms after 1,000 operations, so
/// even a daemon scraped by Prometheus every 15 s spends well under 0.1% of a core on it. A check
/// is two atomic loads, so checking every second costs nothing and memory comes back soon.
struct IdleMemoryTrimmer: Sendable {
    /// What the daemon is doing: a count that grows with every request and every submitted
    /// operation, and whether anything is queued or running now.
    let activity: @Sendable () -> (work: Int64, busy: Bool)
    let trim: @Sendable () async -> Void
    var interval: Duration = .seconds(1)

    /// The daemon's trimmer: its database, the queue's connections, then glibc's heap.
    init(database: Database, operations: OperationManager, server: HTTPServer) {
        activity = {
            let gauges = operations.queueGauges()
            return (
                operations.submittedCount &+ Int64(truncatingIfNeeded: server.requestsReceived),
                gauges.queued > 0 || gauges.running > 0
            )
        }
        trim = {
            database.releaseMemory()
            operations.releaseMemory()
            // The writer releases its connection's cache on its own thread: give it a moment.
            try? await Task.sleep(for: .milliseconds(100))
            _ = clinux_malloc_trim()
        }
    }

    init(
        interval: Duration, activity: @escaping @Sendable () -> (work: Int64, busy: Bool),
        trim: @escaping @Sendable () async -> Void
    ) {
        self.interval = interval
        self.activity = activity
        self.trim = trim
    }

    func run() async {
        var lastSeen = activity().work
        var quietChecks = 0
        var trimmed = false
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = activity()
            if now.work != lastSeen || now.busy {
                lastSeen = now.work
                quietChecks = 0
                trimmed = false
                continue
            }
            quietChecks += 1
            guard quietChecks >= 2, !trimmed else { continue }
            await trim()
            trimmed = true
        }
    }
}
