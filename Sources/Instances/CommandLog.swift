import Operations
import Synchronization

/// Collects what a driver reports synchronously (host commands, their stderr) so a step can write
/// it to its operation's log in order, after each driver call — each line with the time it was
/// reported, so the log tells when a command ran, not when the call returned.
final class CommandLog: Sendable {
    private let lines = Mutex<[(time: Timestamp, line: String)]>([])

    var sink: @Sendable (String) -> Void {
        { [self] line in
            let now = Timestamp.now()
            lines.withLock { $0.append((now, line)) }
        }
    }

    func flush(to context: StepContext) async {
        let taken = lines.withLock { lines -> [(time: Timestamp, line: String)] in
            defer { lines.removeAll() }
            return lines
        }
        for entry in taken { await context.log(entry.line, at: entry.time) }
    }
}
