/// A histogram as one scrape reads it: cumulative bucket counts, as the text format wants them.
public struct HistogramSnapshot: Sendable, Equatable {
    /// Upper bounds in seconds, increasing, without `+Inf`.
    public var bounds: [Double]
    /// Observations at or below each bound.
    public var cumulativeCounts: [Int]
    /// All observations: the `+Inf` bucket and `_count`.
    public var count: Int
    public var sum: Double

    public init(bounds: [Double], cumulativeCounts: [Int], count: Int, sum: Double) {
        self.bounds = bounds
        self.cumulativeCounts = cumulativeCounts
        self.count = count
        self.sum = sum
    }
}
