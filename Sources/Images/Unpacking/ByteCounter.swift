import Synchronization

/// Bytes processed so far by work running off the cooperative pool (hashing, feeding tar), read by
/// the task that turns them into progress updates.
final class ByteCounter: Sendable {
    private let count = Atomic<Int64>(0)

    func add(_ bytes: Int) { _ = count.wrappingAdd(Int64(bytes), ordering: .relaxed) }

    var value: Int64 { count.load(ordering: .relaxed) }
}
