import Synchronization

/// Fans committed events out to live subscribers (`GET /1.0/events` connections, waiters, tests).
///
/// The operation store's writer calls `publish` after each commit, in increasing id order. Publishing
/// never blocks and never waits for a consumer: each subscriber has a bounded buffer, and one that
/// falls more than its limit behind is cut off (its stream finishes after what is buffered and
/// `dropReason` says why) while the others keep receiving. LXD instead stalls or drops silently.
public final class EventBus: Sendable {
    private struct Subscriber: Sendable {
        let filter: EventFilter
        let continuation: AsyncStream<Event>.Continuation
        let reason: DropReason
        let bufferLimit: Int
    }

    private struct State: Sendable {
        var subscribers: [UInt64: Subscriber] = [:]
        var nextID: UInt64 = 0
        var droppedSubscribers = 0
    }

    private let state = Mutex(State())
    /// Held while publishing (never by `onTermination`), so concurrent publishers cannot interleave.
    private let publishing = Mutex(())
    /// The event types some subscriber wants, one bit each (`EventType.bit`); kept in step with
    /// `state.subscribers` under its lock, read without it.
    private let interest = Atomic<UInt8>(0)

    public init() {}

    /// Live subscribers.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Subscribers cut off for being too slow since the bus was created.
    public var droppedSubscribers: Int { state.withLock { $0.droppedSubscribers } }

    /// Whether a subscriber wants events of `type` now. Lets producers skip building events nobody
    /// receives (a `logging` event per operation log line); a subscriber that arrives just after
    /// may miss such an event, as live-only events allow.
    public func hasSubscribers(for type: EventType) -> Bool {
        interest.load(ordering: .relaxed) & type.bit != 0
    }

    /// Registers a subscriber for the events published from now on whose type is in `types` and whose
    /// project is `project` (nil: every project; server-level events go to everyone). At most
    /// `bufferLimit` events wait for the consumer; one more cuts it off.
    public func subscribe(types: Set<EventType>, project: String?, bufferLimit: Int = 10_000) -> EventSubscription {
        let limit = max(1, bufferLimit)
        let filter = EventFilter(types: types, project: project)
        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingOldest(limit))
        let reason = DropReason()
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        // A consumer whose task is cancelled stops iterating: forget it. `weak`: the bus owns the
        // continuation, which owns this closure.
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        state.withLock { state in
            state.subscribers[id] = Subscriber(
                filter: filter, continuation: continuation, reason: reason, bufferLimit: limit)
            updateInterest(state)
        }
        return EventSubscription(events: events, filter: filter, id: id, bus: self, reason: reason)
    }

    /// Delivers `events` (in increasing id order) to every subscriber they match. Any thread;
    /// publishers are serialised, so each subscriber sees events in the order they were published.
    ///
    /// Nothing is yielded while `state` is locked: resuming a consumer takes its task's status lock,
    /// and a consumer whose task is being cancelled holds that lock while its `onTermination` waits
    /// for `state` — yielding under `state` deadlocked the daemon (seen with 20 concurrent `lxc exec`
    /// and their event listeners on a loaded machine).
    public func publish(_ events: [Event]) {
        guard !events.isEmpty else { return }
        publishing.withLock { _ in
            let subscribers = state.withLock { $0.subscribers }
            var ended: [UInt64] = []
            var overflowed: [Subscriber] = []
            for (id, subscriber) in subscribers {
                delivery: for event in events where subscriber.filter.matches(event) {
                    switch subscriber.continuation.yield(event) {
                    case .enqueued:
                        continue
                    case .dropped:
                        subscriber.reason.set(
                            "Event consumer too slow: more than \(subscriber.bufferLimit) events behind")
                        overflowed.append(subscriber)
                        ended.append(id)
                        break delivery
                    case .terminated:
                        ended.append(id)
                        break delivery
                    @unknown default:
                        continue
                    }
                }
            }
            if !ended.isEmpty {
                state.withLock { state in
                    for id in ended { state.subscribers[id] = nil }
                    updateInterest(state)
                    state.droppedSubscribers += overflowed.count
                }
            }
            // Outside `state`: finishing runs `onTermination`, which takes it.
            for subscriber in overflowed { subscriber.continuation.finish() }
        }
    }

    /// Removes subscriber `id` and finishes its stream.
    func unsubscribe(_ id: UInt64) {
        remove(id)?.continuation.finish()
    }

    @discardableResult
    private func remove(_ id: UInt64) -> Subscriber? {
        state.withLock { state in
            defer { updateInterest(state) }
            return state.subscribers.removeValue(forKey: id)
        }
    }

    /// Call with the lock held.
    private func updateInterest(_ state: State) {
        var bits: UInt8 = 0
        for subscriber in state.subscribers.values {
            for type in subscriber.filter.types { bits |= type.bit }
        }
        interest.store(bits, ordering: .relaxed)
    }
}
