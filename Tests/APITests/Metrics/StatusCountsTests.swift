import Testing

@testable import API

@Suite struct StatusCountsTests {
    @Test func countsEachStatusWhateverTheOrder() {
        let counts = StatusCounts(slots: 3)
        for status in [200, 404, 200, 500, 200, 404] { counts.add(status: status) }
        #expect(counts.counts.map(\.status) == [200, 404, 500])
        #expect(counts.counts.map(\.count) == [3, 2, 1])
    }

    @Test func statusesBeyondTheSlotsAreStillCounted() {
        let counts = StatusCounts(slots: 2)
        for status in [200, 201, 202, 203, 202, 200] { counts.add(status: status) }
        #expect(counts.counts.map(\.status) == [200, 201, 202, 203])
        #expect(counts.counts.map(\.count) == [2, 1, 2, 1])
    }

    @Test func concurrentClaimsOfOneSlotLoseNothing() async {
        let counts = StatusCounts(slots: 4)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { for index in 0..<500 { counts.add(status: [200, 404, 500][(task + index) % 3]) } }
            }
        }
        #expect(counts.counts.reduce(0) { $0 + $1.count } == 4000)
        #expect(counts.counts.map(\.status) == [200, 404, 500])
    }
}
