import Foundation
import JSON
import Operations
import Store

/// Events and a scratch database for the event tests.
enum EventFixtures {
    static func event(_ id: Int64, _ type: EventType = .operation, project: String? = "default") -> Event {
        Event(
            id: id, type: type, timestamp: Timestamp(nanoseconds: 1_700_000_000_000_000_000 + id), project: project,
            metadata: .object([("n", .int(Int(id)))]))
    }

    static func row(_ event: Event) -> EventRow {
        EventRow(
            id: event.id, type: event.type.rawValue, project: event.project, timestamp: event.timestamp.nanoseconds,
            body: String(decoding: event.body, as: UTF8.self))
    }

    /// Everything `subscription` holds: cancelling finishes the stream, and what was buffered is
    /// still delivered, so this never waits for events that will not come.
    static func drain(_ subscription: EventSubscription) async -> [Int64] {
        subscription.cancel()
        var ids: [Int64] = []
        for await event in subscription.events { ids.append(event.id) }
        return ids
    }
}

/// A migrated database in a temp directory, removed on deinit.
final class ScratchDatabase {
    let directory: String
    let database: Database

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("berth-events-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database.open(path: directory + "/berth.db")
    }

    func insert(_ events: [Event]) throws {
        let rows = events.map(EventFixtures.row)
        try database.write { connection in
            for row in rows { try connection.insertEvent(row) }
        }
    }

    deinit {
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
