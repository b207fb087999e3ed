/// A token bucket: `burst` requests at once, refilled at `perSecond`. Pure value code; the clock is
/// passed in, so tests drive it without sleeping.
struct TokenBucket: Sendable, Equatable {
    private(set) var tokens: Double
    private(set) var updatedNanoseconds: Int64

    init(burst: Int, now: Int64) {
        tokens = Double(burst)
        updatedNanoseconds = now
    }

    /// Takes one token if there is one. Otherwise returns how many whole seconds until there is
    /// (at least 1: `Retry-After` has a resolution of seconds).
    mutating func take(perSecond: Int, burst: Int, now: Int64) -> Int? {
        let elapsed = Double(max(0, now - updatedNanoseconds)) / 1e9
        tokens = min(Double(burst), tokens + elapsed * Double(perSecond))
        updatedNanoseconds = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        let wait = (1 - tokens) / Double(perSecond)
        return max(1, Int(wait.rounded(.up)))
    }

    /// Whether the bucket is full again: forgetting it changes nothing.
    func isFull(perSecond: Int, burst: Int, now: Int64) -> Bool {
        tokens + Double(max(0, now - updatedNanoseconds)) / 1e9 * Double(perSecond) >= Double(burst)
    }
}
