import Testing

@testable import Instances

@Suite struct CPULoadSamplerTests {
    @Test func loadIsCPUTimePerWallClockSecondSinceThePreviousReading() async {
        let sampler = CPULoadSampler()
        let start = ContinuousClock.now
        #expect(await sampler.load(name: "c1", usage: 1_000_000_000, at: start) == nil)
        // Half a second of CPU in one second of wall-clock time.
        #expect(await sampler.load(name: "c1", usage: 1_500_000_000, at: start + .seconds(1)) == 0.5)
        // Two cores busy for two seconds.
        #expect(await sampler.load(name: "c1", usage: 5_500_000_000, at: start + .seconds(3)) == 2.0)
        // Other instances have readings of their own.
        #expect(await sampler.load(name: "c2", usage: 7, at: start + .seconds(3)) == nil)
    }

    @Test func readingsTooCloseTooOldOrFromBeforeARestartAreNotUsed() async {
        let sampler = CPULoadSampler()
        let start = ContinuousClock.now
        _ = await sampler.load(name: "c1", usage: 1000, at: start)
        #expect(await sampler.load(name: "c1", usage: 2000, at: start + .milliseconds(50)) == nil)
        #expect(await sampler.load(name: "c1", usage: 3000, at: start + .seconds(400)) == nil)
        // The counter went back: the instance restarted.
        #expect(await sampler.load(name: "c1", usage: 10, at: start + .seconds(401)) == nil)
        await sampler.forget(name: "c1")
        #expect(await sampler.load(name: "c1", usage: 20, at: start + .seconds(402)) == nil)
    }
}
