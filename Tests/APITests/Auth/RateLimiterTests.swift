import Testing

@testable import API

@Suite struct RateLimiterTests {
    static let second: Int64 = 1_000_000_000

    @Test func aBurstPassesThenTheRateApplies() {
        var bucket = TokenBucket(burst: 3, now: 0)
        for _ in 0..<3 { #expect(bucket.take(perSecond: 2, burst: 3, now: 0) == nil) }
        #expect(bucket.take(perSecond: 2, burst: 3, now: 0) == 1)
        // Half a second at 2/s refills one request.
        #expect(bucket.take(perSecond: 2, burst: 3, now: Self.second / 2) == nil)
        #expect(bucket.take(perSecond: 2, burst: 3, now: Self.second / 2) != nil)
    }

    @Test func retryAfterIsTheWholeSecondsUntilARequestFits() {
        var bucket = TokenBucket(burst: 1, now: 0)
        #expect(bucket.take(perSecond: 1, burst: 1, now: 0) == nil)
        #expect(bucket.take(perSecond: 1, burst: 1, now: 0) == 1)
        var slow = TokenBucket(burst: 1, now: 0)
        _ = slow.take(perSecond: 1, burst: 1, now: 0)
        #expect(slow.take(perSecond: 1, burst: 1, now: 0) == 1)
        var slower = TokenBucket(burst: 1, now: 0)
        _ = slower.take(perSecond: 1, burst: 1, now: 0)
        // Refilling is capped by the burst, however long the bucket sat idle.
        #expect(slower.take(perSecond: 1, burst: 1, now: 100 * Self.second) == nil)
        #expect(slower.take(perSecond: 1, burst: 1, now: 100 * Self.second) == 1)
    }

    @Test func callersHaveBucketsOfTheirOwnAndZeroTurnsLimitingOff() {
        let limiter = RateLimiter()
        #expect(limiter.admit("a", perSecond: 1, burst: 1, now: 0) == nil)
        #expect(limiter.admit("a", perSecond: 1, burst: 1, now: 0) == 1)
        #expect(limiter.admit("b", perSecond: 1, burst: 1, now: 0) == nil)
        for _ in 0..<100 { #expect(limiter.admit("a", perSecond: 0, burst: 1, now: 0) == nil) }
    }

    @Test func idleCallersAreForgottenWhenTheMapIsFull() {
        let limiter = RateLimiter(maxBuckets: 2)
        _ = limiter.admit("a", perSecond: 1, burst: 1, now: 0)
        _ = limiter.admit("b", perSecond: 1, burst: 1, now: 0)
        #expect(limiter.count == 2)
        // Ten seconds later both buckets are full again: a third caller replaces them.
        _ = limiter.admit("c", perSecond: 1, burst: 1, now: 10 * Self.second)
        #expect(limiter.count == 1)
    }
}
