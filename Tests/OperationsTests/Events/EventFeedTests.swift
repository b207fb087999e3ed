import Foundation
import Operations
import Store
import Synchronization
import Testing

@Suite struct EventFeedTests {
    typealias F = EventFixtures

    struct StoreFailure: Error {}

    static func ids(_ items: [EventFeed.Item]) -> [Int64] {
        items.compactMap { item in
            if case .event(let id, _, _) = item { return id }
            return nil
        }
    }

    /// Everything the feed yields once its subscription has been cancelled (so the live part ends
    /// after what was buffered).
    static func collect(_ feed: EventFeed) async throws -> [EventFeed.Item] {
        feed.subscription.cancel()
        var items: [EventFeed.Item] = []
        for try await item in feed { items.append(item) }
        return items
    }

    @Test func replaysStoredEventsAfterSinceThenLiveWithoutDuplicates() async throws {
        let scratch = try ScratchDatabase()
        try scratch.insert((1...5).map { F.event($0) })
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: "default")
        // 4 and 5 were committed and published around the time the client connected: both sources have them.
        bus.publish((4...7).map { F.event($0) })
        let feed = EventFeed(subscription: subscription, since: 2, database: scratch.database)
        #expect(Self.ids(try await Self.collect(feed)) == [3, 4, 5, 6, 7])
    }

    @Test func sendsTheStoredBodyBytesAsTheyAre() async throws {
        let scratch = try ScratchDatabase()
        let body = #"{"type":"lifecycle","metadata":{"action":"instance-started","é":"\n"},"id":1}"#
        try scratch.database.write { connection in
            try connection.insertEvent(EventRow(id: 1, type: "lifecycle", project: "default", timestamp: 1, body: body))
        }
        let bus = EventBus()
        let feed = EventFeed(
            subscription: bus.subscribe(types: [.lifecycle], project: "default"), since: 0, database: scratch.database)
        #expect(try await Self.collect(feed) == [.event(id: 1, type: .lifecycle, body: Array(body.utf8))])
    }

    @Test func liveEventsCarryTheirEncodedBody() async throws {
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil)
        let event = F.event(9)
        bus.publish([event])
        let feed = EventFeed(subscription: subscription, since: nil) { _, _ in
            Issue.record("no since: the store must not be read")
            return []
        }
        #expect(try await Self.collect(feed) == [.event(id: 9, type: .operation, body: event.body)])
    }

    @Test func replayAppliesTheSubscriptionsTypeAndProjectFilter() async throws {
        let scratch = try ScratchDatabase()
        try scratch.insert([
            F.event(1, .operation, project: "default"), F.event(2, .lifecycle, project: "default"),
            F.event(3, .operation, project: "other"), F.event(4, .operation, project: nil),
        ])
        try scratch.database.write { connection in
            try connection.insertEvent(EventRow(id: 5, type: "ovn", project: nil, timestamp: 5, body: "{}"))
        }
        let bus = EventBus()
        let feed = EventFeed(
            subscription: bus.subscribe(types: [.operation], project: "default"), since: 0, database: scratch.database)
        #expect(Self.ids(try await Self.collect(feed)) == [1, 4])
    }

    @Test func readsTheStoreInPages() async throws {
        let scratch = try ScratchDatabase()
        try scratch.insert((1...7).map { F.event($0) })
        let bus = EventBus()
        let reads = ReadLog()
        let database = scratch.database
        let feed = EventFeed(subscription: bus.subscribe(types: [.operation], project: nil), since: 0, pageSize: 3) {
            after, limit in
            reads.append(after)
            return try database.read { try $0.events(after: after, limit: limit) }
        }
        #expect(Self.ids(try await Self.collect(feed)) == Array(1...7))
        #expect(reads.values == [0, 3, 6])
    }

    @Test func liveEventsAtOrBelowSinceAreSkippedWhenNothingIsStored() async throws {
        let scratch = try ScratchDatabase()
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil)
        bus.publish((8...12).map { F.event($0) })
        let feed = EventFeed(subscription: subscription, since: 10, database: scratch.database)
        #expect(Self.ids(try await Self.collect(feed)) == [11, 12])
    }

    @Test func anOverflowEndsTheFeedWithItsReason() async throws {
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil, bufferLimit: 2)
        bus.publish((1...3).map { F.event($0) })
        let feed = EventFeed(subscription: subscription, since: nil) { _, _ in [] }
        let items = try await Self.collect(feed)
        #expect(Self.ids(items) == [1, 2])
        #expect(items.last == .overflow(reason: "Event consumer too slow: more than 2 events behind"))
    }

    @Test func aStoreErrorIsThrown() async throws {
        let bus = EventBus()
        let feed = EventFeed(subscription: bus.subscribe(types: [.operation], project: nil), since: 0) { _, _ in
            throw StoreFailure()
        }
        await #expect(throws: StoreFailure.self) { try await Self.collect(feed) }
    }

    /// The writer's discipline (commit, then publish, in id order) racing a client that connects in
    /// the middle with `since=0`: the feed must yield every id exactly once, in order.
    @Test func aClientConnectingDuringWritesSeesEveryEventOnceInOrder() async throws {
        let scratch = try ScratchDatabase()
        let bus = EventBus()
        let total: Int64 = 3_000
        let written = WriteProgress()
        let database = scratch.database
        let writer = Task.detached {
            for id in Int64(1)...total {
                let event = F.event(id)
                let row = F.row(event)
                try database.write { try $0.insertEvent(row) }
                bus.publish([event])
                written.set(id)
            }
        }
        while written.value < total / 3 { try await Task.sleep(for: .milliseconds(1)) }
        let feed = EventFeed(
            subscription: bus.subscribe(types: [.operation], project: nil, bufferLimit: 100_000), since: 0,
            database: database, pageSize: 100)
        var ids: [Int64] = []
        for try await item in feed {
            guard case .event(let id, _, _) = item else { break }
            ids.append(id)
            if id == total { break }
        }
        try await writer.value
        feed.subscription.cancel()
        // Compared by hand: a failure prints where the order breaks, not 3,000 ids.
        let firstWrong = ids.indices.first { ids[$0] != Int64($0) + 1 }
        #expect(firstWrong == nil, "id \(firstWrong.map { ids[$0] } ?? 0) at index \(firstWrong ?? 0)")
        #expect(ids.count == Int(total))
    }
}

/// The `after` arguments of the store reads, in order.
final class ReadLog: Sendable {
    private let storage = Mutex<[Int64]>([])
    var values: [Int64] { storage.withLock { $0 } }
    func append(_ value: Int64) { storage.withLock { $0.append(value) } }
}

final class WriteProgress: Sendable {
    private let storage = Mutex<Int64>(0)
    var value: Int64 { storage.withLock { $0 } }
    func set(_ value: Int64) { storage.withLock { $0 = value } }
}
