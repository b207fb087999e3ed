import JSON
import Testing

@testable import Operations

@Suite struct EventTests {
    private let metadata: JSONValue = .object([
        ("id", .string("0190-quote\"-é")), ("status_code", .int(200)), ("resources", .null),
        ("nested", .object([("list", .array([.bool(true), .double(1.5)]))])),
    ])

    @Test(arguments: [Optional("default"), "pro\"ject", nil])
    func aDraftBecomesTheSameBytesAsTheEventEncodedWhole(project: String?) {
        let timestamp = Timestamp(nanoseconds: 1_795_000_000_123_456_789)
        for type in EventType.allCases {
            let draft = EventDraft(type: type, project: project, metadata: metadata, stored: true)
            let spliced = Event(id: 42, timestamp: timestamp, draft: draft)
            let whole = Event(id: 42, type: type, timestamp: timestamp, project: project, metadata: metadata)
            #expect(String(decoding: spliced.body, as: UTF8.self) == String(decoding: whole.body, as: UTF8.self))
            #expect((try? JSONValue.parse(spliced.body)) != nil)
        }
    }

    @Test func theBusKnowsWhichTypesHaveSubscribers() {
        let bus = EventBus()
        #expect(EventType.allCases.allSatisfy { !bus.hasSubscribers(for: $0) })
        let logging = bus.subscribe(types: [.logging], project: nil)
        let both = bus.subscribe(types: [.operation, .logging], project: "default")
        #expect(bus.hasSubscribers(for: .logging) && bus.hasSubscribers(for: .operation))
        #expect(!bus.hasSubscribers(for: .lifecycle))
        both.cancel()
        #expect(bus.hasSubscribers(for: .logging) && !bus.hasSubscribers(for: .operation))
        logging.cancel()
        #expect(!bus.hasSubscribers(for: .logging))
    }
}
