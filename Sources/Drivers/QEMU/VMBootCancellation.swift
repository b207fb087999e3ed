import Synchronization

/// Set when the task that waits for a guest to boot is cancelled, read by the thread that polls.
final class VMBootCancellation: Sendable {
    private let flag = Atomic(false)

    var isCancelled: Bool { flag.load(ordering: .relaxed) }

    func cancel() { flag.store(true, ordering: .relaxed) }
}
