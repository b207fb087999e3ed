import Testing

@testable import API

@Suite struct TrustTokenWaitersTests {
    static let second: Int64 = 1_000_000_000

    @Test func aRedemptionEndsTheWaitAndOnlyTheFirstOneCounts() async {
        let waiters = TrustTokenWaiters()
        let waiting = Task { await waiters.wait("op1", expiresAt: 3_600 * Self.second, now: 0) }
        // A redemption that arrives before the wait begins is kept for it.
        #expect(waiters.redeem("op1"))
        #expect(!waiters.redeem("op1"))
        #expect(await waiting.value == .redeemed)
    }

    @Test func anExpiredTokenEndsAtOnceAndCannotBeRedeemed() async {
        let waiters = TrustTokenWaiters()
        #expect(await waiters.wait("op2", expiresAt: 10, now: 20) == .expired)
        #expect(!waiters.redeem("op2"))
    }

    @Test func theExpiryEndsAWaitThatNobodyRedeems() async {
        let waiters = TrustTokenWaiters()
        let now = Int64(0)
        // 50 ms from "now" in the waiter's terms; the timer measures the remaining time itself.
        #expect(await waiters.wait("op3", expiresAt: now + 50_000_000, now: now) == .expired)
    }

    @Test func cancellingTheWaitingTaskEndsTheToken() async {
        let waiters = TrustTokenWaiters()
        let waiting = Task { await waiters.wait("op4", expiresAt: 3_600 * Self.second, now: 0) }
        waiting.cancel()
        #expect(await waiting.value == .cancelled)
        #expect(!waiters.redeem("op4"))
    }
}
