import Synchronization

/// One subscriber of an `EventBus`: its events in publication order, and why they stopped if the bus
/// cut it off. Cancelled by `cancel()`, when the task iterating `events` is cancelled, or when the last
/// reference goes away.
public final class EventSubscription: Sendable {
    /// Live events that pass `filter`. Finishes on `cancel()` or after an overflow (the events buffered
    /// before it are still delivered, then `dropReason` says what happened).
    public let events: AsyncStream<Event>
    public let filter: EventFilter

    private let id: UInt64
    private let bus: EventBus
    private let reason: DropReason

    init(events: AsyncStream<Event>, filter: EventFilter, id: UInt64, bus: EventBus, reason: DropReason) {
        self.events = events
        self.filter = filter
        self.id = id
        self.bus = bus
        self.reason = reason
    }

    /// Set when the bus disconnected this subscriber for falling behind:
    /// `Event consumer too slow: more than N events behind`.
    public var dropReason: String? { reason.value }

    /// Unsubscribes and finishes `events`. Safe to call more than once, from any thread.
    public func cancel() { bus.unsubscribe(id) }

    deinit { bus.unsubscribe(id) }
}

/// The reason an overflowed subscriber was dropped, set by the publisher and read by the consumer.
final class DropReason: Sendable {
    private let storage = Mutex<String?>(nil)

    var value: String? { storage.withLock { $0 } }

    func set(_ reason: String) { storage.withLock { $0 = reason } }
}
