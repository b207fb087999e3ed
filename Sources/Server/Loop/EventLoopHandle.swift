import CLinux
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The thread-safe face of an `EventLoop`: other threads hand it jobs, which run on the loop's thread.
/// The loop itself is thread-confined and never shared, so this is the only cross-thread path into it.
final class EventLoopHandle: Sendable {
    typealias Job = @Sendable (EventLoop) -> Void

    let index: Int
    /// An eventfd the loop polls; one write wakes it however many jobs are queued.
    let wakeFD: Int32
    private let jobs = Mutex<[Job]>([])

    init(index: Int) throws(SystemError) {
        self.index = index
        let fd = clinux_eventfd()
        guard fd >= 0 else { throw SystemError("eventfd") }
        wakeFD = fd
    }

    deinit { close(wakeFD) }

    /// Queues `job` to run on the loop thread. Cheap when the loop is busy: only the first job after a
    /// drain signals the eventfd.
    func execute(_ job: @escaping Job) {
        let wasEmpty = jobs.withLock { queue in
            queue.append(job)
            return queue.count == 1
        }
        if wasEmpty { _ = clinux_eventfd_signal(wakeFD) }
    }

    func takeJobs() -> [Job] {
        jobs.withLock { queue in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
