import Dispatch
import Foundation
import Synchronization

/// Waits for SIGTERM or SIGINT. The signals' default actions are replaced so they reach a dispatch
/// source instead of killing the process mid-request.
final class SignalWaiter {
    private let sources: [any DispatchSourceSignal]
    private let state = SignalState()

    init(signals: [Int32] = [SIGTERM, SIGINT]) {
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let state = self.state
            source.setEventHandler { state.deliver(number) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit { for source in sources { source.cancel() } }

    /// Returns the first signal received (immediately if one already arrived).
    func wait() async -> Int32 { await state.wait() }
}

/// The first signal and whoever waits for it, shared with the dispatch handlers.
private final class SignalState: Sendable {
    private let received = Mutex<(signal: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let early = received.withLock { state -> Int32? in
                if let signal = state.signal { return signal }
                state.waiter = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
    }

    func deliver(_ number: Int32) {
        let waiter = received.withLock { state -> CheckedContinuation<Int32, Never>? in
            guard state.signal == nil else { return nil }
            state.signal = number
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: number)
    }
}
