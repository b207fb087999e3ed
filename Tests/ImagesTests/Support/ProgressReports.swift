import Operations
import Synchronization

/// The progress an import reported, in order, from whichever task reported it.
final class ProgressReports: Sendable {
    private let list = Mutex<[Operations.Progress]>([])

    func append(_ progress: Operations.Progress) { list.withLock { $0.append(progress) } }

    var all: [Operations.Progress] { list.withLock { $0 } }
}
