import Operations
import Testing

@testable import Images

@Suite struct ProgressSamplerTests {
    static let millisecond: Int64 = 1_000_000

    @Test func sendsTheFirstSampleAtOnceThenAtMostOncePerInterval() {
        var sampler = ProgressSampler(stage: "image_unpack", total: 1000)
        #expect(sampler.sample(processed: 0, at: 0) == Progress(stage: "image_unpack", processed: 0, total: 1000))
        // Many reads within the interval: nothing.
        for step in 1..<50 {
            #expect(sampler.sample(processed: Int64(step * 10), at: Int64(step) * 10 * Self.millisecond) == nil)
        }
        let next = sampler.sample(processed: 500, at: 500 * Self.millisecond)
        #expect(next == Progress(stage: "image_unpack", processed: 500, total: 1000, speed: 1000))
        #expect(next?.percent == 50)
        #expect(sampler.sample(processed: 600, at: 600 * Self.millisecond) == nil)
    }

    @Test func sendsNothingWhenTheCountHasNotMoved() {
        var sampler = ProgressSampler(stage: "image_unpack", total: nil)
        _ = sampler.sample(processed: 0, at: 0)
        #expect(sampler.sample(processed: 0, at: 5000 * Self.millisecond) == nil)
    }

    @Test func theFinalUpdateIsAlwaysSentWithTheAverageSpeed() {
        var sampler = ProgressSampler(stage: "image_fingerprint", total: 4000)
        _ = sampler.sample(processed: 0, at: 0)
        let final = sampler.finish(processed: 4000, at: 2000 * Self.millisecond)
        #expect(final == Progress(stage: "image_fingerprint", processed: 4000, total: 4000, speed: 2000))
        #expect(final.text == "Fingerprint: 100% (2.00kB/s)")
    }
}
