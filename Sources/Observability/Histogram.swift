import Synchronization

/// A Prometheus histogram over durations, lock-free: one atomic per bucket, the count and the sum
/// in whole nanoseconds (exact, unlike a floating-point sum updated concurrently).
///
/// A scrape that runs while observations land may see the count one ahead of a bucket: Prometheus
/// tolerates that, and a reader never waits for a writer.
public final class Histogram: Sendable {
    /// Upper bounds in seconds, increasing; `+Inf` is implied.
    public let bounds: [Double]
    private let boundNanoseconds: [Int]
    /// Observations per bucket, not cumulative: one add per observation.
    private let buckets: [AtomicCounter]
    private let count = AtomicCounter()
    private let sumNanoseconds = AtomicCounter()

    /// Seconds from 1 ms to 5 min: HTTP requests, which are mostly sub-millisecond, and operation
    /// steps, which may take minutes (an image unpack, a VM boot).
    public static let durationBounds: [Double] = [
        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
    ]

    public init(bounds: [Double] = Histogram.durationBounds) {
        self.bounds = bounds
        boundNanoseconds = bounds.map { Int(($0 * 1e9).rounded()) }
        buckets = bounds.map { _ in AtomicCounter() }
    }

    public func observe(nanoseconds: Int) {
        let value = max(0, nanoseconds)
        // Few bounds: a linear scan beats a binary search and touches one cache line.
        if let index = boundNanoseconds.firstIndex(where: { value <= $0 }) { buckets[index].add() }
        count.add()
        sumNanoseconds.add(value)
    }

    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(nanoseconds: Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }

    public var snapshot: HistogramSnapshot {
        var cumulative: [Int] = []
        cumulative.reserveCapacity(buckets.count)
        var running = 0
        for bucket in buckets {
            running += bucket.load()
            cumulative.append(running)
        }
        // Read last so that the +Inf bucket is never below a finite one.
        let total = max(count.load(), running)
        return HistogramSnapshot(
            bounds: bounds, cumulativeCounts: cumulative, count: total,
            sum: Double(sumNanoseconds.load()) / 1e9)
    }
}
