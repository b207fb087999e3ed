import Foundation
import Operations
import Synchronization
import Testing

@Suite struct EventBusTests {
    typealias F = EventFixtures

    /// Consumers cancelled while events are published to them, over and over: publishing used to
    /// yield under the bus's lock while a cancelled consumer's termination handler (holding its task's
    /// status lock) waited for that lock, and the daemon deadlocked.
    @Test(.timeLimit(.minutes(1))) func consumersCancelledWhilePublishingDoNotDeadlock() async {
        let bus = EventBus()
        let stop = Atomic<Bool>(false)
        let publisher = Thread {
            var id: Int64 = 0
            while !stop.load(ordering: .relaxed) {
                id += 1
                bus.publish([F.event(id)])
            }
        }
        publisher.start()
        for _ in 0..<300 {
            let subscription = bus.subscribe(types: [.operation], project: nil)
            let consumer = Task {
                var seen = 0
                for await _ in subscription.events { seen += 1 }
                return seen
            }
            await Task.yield()
            consumer.cancel()
            _ = await consumer.value
        }
        stop.store(true, ordering: .relaxed)
        #expect(bus.subscriberCount == 0)
    }

    @Test func deliversOnlyTheSubscribedTypes() async {
        let bus = EventBus()
        let operations = bus.subscribe(types: [.operation], project: nil)
        let lifecycleAndLogging = bus.subscribe(types: [.lifecycle, .logging], project: nil)
        bus.publish([F.event(1, .operation), F.event(2, .lifecycle), F.event(3, .logging, project: nil)])
        #expect(await F.drain(operations) == [1])
        #expect(await F.drain(lifecycleAndLogging) == [2, 3])
    }

    @Test func projectEventsGoToThatProjectAndServerEventsToEveryone() async {
        let bus = EventBus()
        let defaultProject = bus.subscribe(types: Set(EventType.allCases), project: "default")
        let other = bus.subscribe(types: Set(EventType.allCases), project: "other")
        let allProjects = bus.subscribe(types: Set(EventType.allCases), project: nil)
        bus.publish([
            F.event(1, project: "default"), F.event(2, project: "other"), F.event(3, .logging, project: nil),
        ])
        #expect(await F.drain(defaultProject) == [1, 3])
        #expect(await F.drain(other) == [2, 3])
        #expect(await F.drain(allProjects) == [1, 2, 3])
    }

    @Test func keepsPublicationOrderAcrossBatches() async {
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil)
        for start in stride(from: Int64(1), through: 100, by: 10) {
            bus.publish((start..<start + 10).map { F.event($0) })
        }
        #expect(await F.drain(subscription) == Array(1...100))
    }

    @Test func aSlowSubscriberIsCutOffWhileTheOthersKeepReceiving() async {
        let bus = EventBus()
        let slow = bus.subscribe(types: [.operation], project: nil, bufferLimit: 3)
        let fast = bus.subscribe(types: [.operation], project: nil)
        bus.publish((1...5).map { F.event($0) })
        bus.publish([F.event(6)])

        #expect(bus.droppedSubscribers == 1)
        #expect(bus.subscriberCount == 1)
        #expect(fast.dropReason == nil)
        // What was buffered before the overflow still arrives, then the stream ends with a reason.
        var received: [Int64] = []
        for await event in slow.events { received.append(event.id) }
        #expect(received == [1, 2, 3])
        #expect(slow.dropReason == "Event consumer too slow: more than 3 events behind")
        #expect(await F.drain(fast) == [1, 2, 3, 4, 5, 6])
    }

    @Test func aConsumerThatKeepsUpIsNeverCutOff() async {
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil, bufferLimit: 2)
        var received: [Int64] = []
        for id in Int64(1)...50 {
            bus.publish([F.event(id)])
            var iterator = subscription.events.makeAsyncIterator()
            if let event = await iterator.next() { received.append(event.id) }
        }
        #expect(received == Array(1...50))
        #expect(subscription.dropReason == nil)
        #expect(bus.droppedSubscribers == 0)
        subscription.cancel()
    }

    @Test func cancelUnsubscribesAndFinishesTheStream() async {
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil)
        #expect(bus.subscriberCount == 1)
        subscription.cancel()
        subscription.cancel()
        #expect(bus.subscriberCount == 0)
        bus.publish([F.event(1)])
        var received = 0
        for await _ in subscription.events { received += 1 }
        #expect(received == 0)
        #expect(subscription.dropReason == nil)
        #expect(bus.droppedSubscribers == 0)
    }

    @Test func droppingTheLastReferenceUnsubscribes() {
        let bus = EventBus()
        do {
            let subscription = bus.subscribe(types: [.operation], project: nil)
            #expect(bus.subscriberCount == 1)
            _ = subscription
        }
        #expect(bus.subscriberCount == 0)
    }

    @Test func cancellingTheConsumingTaskUnsubscribes() async {
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil)
        let consumer = Task {
            for await _ in subscription.events {}
        }
        consumer.cancel()
        await consumer.value
        #expect(bus.subscriberCount == 0)
        subscription.cancel()
    }

    @Test func publishersOnManyThreadsNeverLoseAnEvent() async {
        let bus = EventBus()
        let subscription = bus.subscribe(types: [.operation], project: nil, bufferLimit: 100_000)
        await withTaskGroup(of: Void.self) { group in
            for publisher in Int64(0)..<8 {
                group.addTask {
                    for index in Int64(0)..<500 { bus.publish([F.event(publisher * 1_000 + index)]) }
                }
            }
        }
        let ids = await F.drain(subscription)
        #expect(ids.count == 4_000)
        #expect(Set(ids).count == 4_000)
        // Each publisher's own events keep their order.
        for publisher in Int64(0)..<8 {
            let own = ids.filter { $0 / 1_000 == publisher }
            #expect(own == own.sorted())
        }
    }
}
