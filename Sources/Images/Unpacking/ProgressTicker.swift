import Operations

/// Runs work that counts its bytes in a ``ByteCounter`` while a ticker samples the counter and
/// reports progress through a ``ProgressSampler``: a first update at once, coalesced ones while it
/// runs, and a final one when it succeeds.
enum ProgressTicker {
    static let tick = Duration.milliseconds(100)

    static func track<T>(
        stage: String, total: Int64?, report: @escaping @Sendable (Progress) async -> Void,
        _ work: (ByteCounter) async throws -> T
    ) async throws -> T {
        let counter = ByteCounter()
        let start = ContinuousClock.now
        @Sendable func elapsed() -> Int64 {
            let (seconds, attoseconds) = start.duration(to: .now).components
            return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        }
        let ticker = Task {
            var sampler = ProgressSampler(stage: stage, total: total)
            if let first = sampler.sample(processed: 0, at: 0) { await report(first) }
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                guard !Task.isCancelled else { break }
                if let progress = sampler.sample(processed: counter.value, at: elapsed()) { await report(progress) }
            }
            return sampler
        }
        do {
            let result = try await work(counter)
            ticker.cancel()
            var sampler = await ticker.value
            await report(sampler.finish(processed: counter.value, at: elapsed()))
            return result
        } catch {
            ticker.cancel()
            _ = await ticker.value
            throw error
        }
    }
}
