import Store

/// What one events connection sends: the stored events after `since` (replay), then the live events
/// of a subscription, with no gap and no duplicate, as wire bodies.
///
/// The subscription must exist before the feed reads the store. Then every event is either committed
/// before the subscription (so the store has it, if it is kept) or published after it (so the
/// subscription has it); live events the replay already covered (id at or below the last stored id
/// read) are skipped. Live-only events (logging, progress) published while the replay runs and
/// numbered below that id are skipped with them: replay is for what a client missed, and those were
/// never kept.
public struct EventFeed: AsyncSequence, Sendable {
    /// One thing to send.
    public enum Item: Sendable, Equatable {
        /// An event: its id, type and JSON body (the stored bytes as they are, or `Event.body`).
        case event(id: Int64, type: EventType, body: [UInt8])
        /// The subscriber fell too far behind and was cut off; the feed ends after this.
        case overflow(reason: String)
    }

    /// Reads stored events with an id above the first argument, oldest first, at most the second.
    public typealias StoredEvents = @Sendable (_ after: Int64, _ limit: Int) throws -> [EventRow]

    public let subscription: EventSubscription
    /// Replay stored events with an id above this; nil for live events only.
    public let since: Int64?
    let storedEvents: StoredEvents
    let pageSize: Int

    public init(
        subscription: EventSubscription, since: Int64?, pageSize: Int = 500, storedEvents: @escaping StoredEvents
    ) {
        self.subscription = subscription
        self.since = since
        self.pageSize = Swift.max(1, pageSize)
        self.storedEvents = storedEvents
    }

    /// A feed replaying from `database`'s `events` table. Reads block briefly: iterate it in a task,
    /// not on an event loop.
    public init(subscription: EventSubscription, since: Int64?, database: Database, pageSize: Int = 500) {
        self.init(subscription: subscription, since: since, pageSize: pageSize) { after, limit in
            try database.read { try $0.events(after: after, limit: limit) }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(feed: self) }

    /// Replays page by page, then forwards live events. `next()` throws only the store's errors.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let feed: EventFeed
        private var live: AsyncStream<Event>.AsyncIterator
        /// The id of the last stored event read; nil once the replay is over (or when there is none).
        private var cursor: Int64?
        private var page: [EventRow] = []
        private var index = 0
        private var lastPage = false
        /// Live events up to this id were covered by the replay.
        private var skipThrough = Int64.min
        private var finished = false

        init(feed: EventFeed) {
            self.feed = feed
            live = feed.subscription.events.makeAsyncIterator()
            cursor = feed.since
            if let since = feed.since { skipThrough = since }
        }

        public mutating func next() async throws -> Item? {
            guard !finished else { return nil }
            if let item = try replayNext() { return item }
            let filter = feed.subscription.filter
            while let event = await live.next() {
                guard event.id > skipThrough, filter.matches(event) else { continue }
                return .event(id: event.id, type: event.type, body: event.body)
            }
            finished = true
            return feed.subscription.dropReason.map { .overflow(reason: $0) }
        }

        private mutating func replayNext() throws -> Item? {
            let filter = feed.subscription.filter
            while let after = cursor {
                if index == page.count {
                    if lastPage {
                        cursor = nil
                        break
                    }
                    page = try feed.storedEvents(after, feed.pageSize)
                    index = 0
                    lastPage = page.count < feed.pageSize
                    continue
                }
                let row = page[index]
                index += 1
                cursor = row.id
                skipThrough = Swift.max(skipThrough, row.id)
                guard let type = EventType(rawValue: row.type), filter.matches(type: type, project: row.project) else {
                    continue
                }
                return .event(id: row.id, type: type, body: Array(row.body.utf8))
            }
            page = []
            return nil
        }
    }
}
