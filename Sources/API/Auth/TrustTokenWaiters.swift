import Synchronization

/// Where a trust-token operation's step waits, and what ends the wait: the token's redemption, its
/// expiry, or the operation's cancellation (`lxc config trust revoke-token`). Each token ends once:
/// the first of these wins and the others find it consumed, which is what makes tokens single-use
/// when two clients race to redeem one.
public final class TrustTokenWaiters: Sendable {
    public enum Outcome: Sendable, Equatable {
        case redeemed
        case expired
        case cancelled
    }

    private struct State {
        var waiting: [String: CheckedContinuation<Outcome, Never>] = [:]
        /// Outcomes that arrived before their step began waiting.
        var early: [String: Outcome] = [:]
        /// Tokens already ended in this process; a few bytes each, never redeemable again.
        var ended: Set<String> = []
    }

    private let state = Mutex(State())

    /// The daemon's waiters: the operation type is registered before the API exists, and both must
    /// meet here.
    public static let shared = TrustTokenWaiters()

    public init() {}

    /// Waits until the token of operation `id` is redeemed, expires at `expiresAt` (ns since the
    /// epoch) or the waiting task is cancelled.
    public func wait(_ id: String, expiresAt: Int64, now: Int64) async -> Outcome {
        let remaining = expiresAt - now
        if remaining <= 0 {
            end(id, .expired)
        }
        let timer = Task { [self] in
            try? await Task.sleep(for: .nanoseconds(max(0, remaining)))
            if !Task.isCancelled { end(id, .expired) }
        }
        defer {
            timer.cancel()
            state.withLock { _ = $0.early.removeValue(forKey: id) }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let early = state.withLock { state -> Outcome? in
                    if let outcome = state.early.removeValue(forKey: id) { return outcome }
                    state.waiting[id] = continuation
                    return nil
                }
                if let early { continuation.resume(returning: early) }
            }
        } onCancel: {
            end(id, .cancelled)
        }
    }

    /// Claims the token of operation `id` for a redemption: true once, false ever after (or after
    /// it expired or was cancelled).
    public func redeem(_ id: String) -> Bool { end(id, .redeemed) }

    /// Ends the token with `outcome` unless it has ended already; resumes its waiter outside the lock.
    @discardableResult
    private func end(_ id: String, _ outcome: Outcome) -> Bool {
        let (first, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Outcome, Never>?) in
            guard state.ended.insert(id).inserted else { return (false, nil) }
            if let waiter = state.waiting.removeValue(forKey: id) { return (true, waiter) }
            state.early[id] = outcome
            return (true, nil)
        }
        waiter?.resume(returning: outcome)
        return first
    }
}
