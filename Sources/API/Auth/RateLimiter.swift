import Synchronization

/// One token bucket per network caller (certificate, API token, or untrusted address). Called on
/// the event loop for every network request, so it only touches memory, under one short lock.
public final class RateLimiter: Sendable {
    private let buckets = Mutex<[String: TokenBucket]>([:])
    /// Buckets kept before full (idle) ones are forgotten: an address-hopping client cannot grow
    /// the map without bound.
    private let maxBuckets: Int

    public init(maxBuckets: Int = 10_000) {
        self.maxBuckets = maxBuckets
    }

    /// Nil when `key` may go ahead, else the seconds to wait (`Retry-After`). A rate of 0 is off.
    public func admit(_ key: String, perSecond: Int, burst: Int, now: Int64) -> Int? {
        guard perSecond > 0 else { return nil }
        return buckets.withLock { buckets in
            if buckets[key] == nil, buckets.count >= maxBuckets {
                buckets = buckets.filter { !$0.value.isFull(perSecond: perSecond, burst: burst, now: now) }
            }
            var bucket = buckets[key] ?? TokenBucket(burst: burst, now: now)
            let wait = bucket.take(perSecond: perSecond, burst: burst, now: now)
            buckets[key] = bucket
            return wait
        }
    }

    var count: Int { buckets.withLock { $0.count } }
}
