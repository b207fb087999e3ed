import Synchronization

/// Set once, read from another thread: tells the thread feeding tar that tar has exited, so it
/// stops waiting for tar to open the FIFO.
final class EndFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { flag.store(true, ordering: .releasing) }

    var isSet: Bool { flag.load(ordering: .acquiring) }
}
