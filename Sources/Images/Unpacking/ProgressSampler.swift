import Operations

/// Turns a running byte count into operation progress at most every `interval`: every update is
/// an event and, every half second, a database write, so a per-read update would flood both
/// (contract §2.5: progress is coalesced, never per byte). Pure: the caller passes the time.
struct ProgressSampler {
    let stage: String
    let total: Int64?
    let intervalNanoseconds: Int64
    private var last: (at: Int64, processed: Int64)?

    init(stage: String, total: Int64?, intervalNanoseconds: Int64 = 500_000_000) {
        self.stage = stage
        self.total = total
        self.intervalNanoseconds = intervalNanoseconds
    }

    /// The update to send at `now` (nanoseconds since the work began), or nil: the first sample is
    /// always sent, later ones once the interval has passed and the count has moved.
    mutating func sample(processed: Int64, at now: Int64) -> Progress? {
        guard let last else {
            self.last = (now, processed)
            return Progress(stage: stage, processed: processed, total: total)
        }
        guard now - last.at >= intervalNanoseconds, processed != last.processed else { return nil }
        let speed = (processed - last.processed) * 1_000_000_000 / max(1, now - last.at)
        self.last = (now, processed)
        return Progress(stage: stage, processed: processed, total: total, speed: speed)
    }

    /// The last update, sent whatever the interval: the work is done.
    mutating func finish(processed: Int64, at now: Int64) -> Progress {
        let speed = processed * 1_000_000_000 / max(1, now)
        last = (now, processed)
        return Progress(stage: stage, processed: processed, total: total, speed: speed)
    }
}
