import Operations
import Synchronization

/// Collects what a driver reports synchronously (host commands, their stderr) so a step can write
/// it to its operation's log in order, after each driver call.
final class CommandLog: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }

    func flush(to context: StepContext) async {
        let taken = lines.withLock { lines -> [String] in
            defer { lines.removeAll() }
            return lines
        }
        for line in taken { await context.log(line) }
    }
}
