import Observability
import Synchronization

/// Requests per HTTP status for one route and method, without a lock on the request path: a few
/// slots, each claimed once by a status with a compare-and-swap, then bumped with an atomic add.
/// A route answers with a handful of statuses; any beyond the slots go to a locked overflow table.
final class StatusCounts: Sendable {
    private final class Slot: Sendable {
        /// The status this slot counts; 0 while unclaimed.
        let status = Atomic<Int>(0)
        let count = AtomicCounter()
    }

    private let slots: [Slot]
    private let overflow = Mutex<[Int: Int]>([:])

    init(slots: Int = 6) {
        self.slots = (0..<slots).map { _ in Slot() }
    }

    func add(status: Int) {
        for slot in slots {
            var claimed = slot.status.load(ordering: .relaxed)
            if claimed == 0 {
                claimed = slot.status.compareExchange(expected: 0, desired: status, ordering: .relaxed).original
                if claimed == 0 { claimed = status }
            }
            if claimed == status {
                slot.count.add()
                return
            }
        }
        overflow.withLock { $0[status, default: 0] += 1 }
    }

    /// Counts by status, lowest status first; statuses never counted are absent.
    var counts: [(status: Int, count: Int)] {
        var merged = overflow.withLock { $0 }
        for slot in slots {
            let status = slot.status.load(ordering: .relaxed)
            let count = slot.count.load()
            if status != 0 && count > 0 { merged[status, default: 0] += count }
        }
        return merged.sorted { $0.key < $1.key }.map { (status: $0.key, count: $0.value) }
    }
}
