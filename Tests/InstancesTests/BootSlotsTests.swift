import Synchronization
import Testing

@testable import Instances

@Suite struct BootSlotsTests {
    /// Records the order in which boots entered and left their slot.
    final class Trace: Sendable {
        let events = Mutex<[String]>([])
        func add(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
    }

    @Test func aSecondBootWaitsForTheFirstToLeaveItsSlot() async throws {
        let slots = BootSlots(capacity: 1)
        let trace = Trace()
        let (entered, firstEntered) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseFirst) = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            await slots.withSlot {
                trace.add("first in")
                firstEntered.yield()
                for await _ in release { break }
                trace.add("first out")
            }
        }
        for await _ in entered { break }
        #expect(await slots.isFull)
        let second = Task { await slots.withSlot { trace.add("second in") } }
        // The second boot is queued behind the first, however long the first takes.
        try await Task.sleep(for: .milliseconds(50))
        #expect(trace.all == ["first in"])
        releaseFirst.yield()
        await first.value
        await second.value
        #expect(trace.all == ["first in", "first out", "second in"])
        #expect(await !slots.isFull)
    }

    @Test func raisingTheCapacityLetsAWaitingBootIn() async throws {
        let slots = BootSlots(capacity: 1)
        let trace = Trace()
        let (entered, firstEntered) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseFirst) = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            await slots.withSlot {
                firstEntered.yield()
                for await _ in release { break }
                trace.add("first out")
            }
        }
        for await _ in entered { break }
        let second = Task { await slots.withSlot { trace.add("second in") } }
        try await Task.sleep(for: .milliseconds(50))
        await slots.setCapacity(2)
        await second.value
        #expect(trace.all == ["second in"])
        releaseFirst.yield()
        await first.value
    }

    @Test func aCapacityBelowOneMeansOne() async {
        let slots = BootSlots(capacity: 0)
        #expect(await !slots.isFull)
        await slots.withSlot { #expect(await slots.isFull) }
    }
}
