/// An instance's CPU load: CPU time it used per second of wall-clock time between two readings of
/// its counter (1.0 = one core busy). Remembers each instance's last reading, so a client that
/// polls sees the load since its previous look.
actor CPULoadSampler {
    private var last: [String: (time: ContinuousClock.Instant, usage: UInt64)] = [:]

    /// The load since the previous reading of `name`, or nil when there is none (or it is too old
    /// or from before a restart of the instance) and the caller should take a second reading.
    func load(name: String, usage: UInt64, at time: ContinuousClock.Instant) -> Double? {
        defer { last[name] = (time, usage) }
        guard let previous = last[name], usage >= previous.usage else { return nil }
        let elapsed = previous.time.duration(to: time)
        guard elapsed >= .milliseconds(100), elapsed <= .seconds(300) else { return nil }
        let (seconds, attoseconds) = elapsed.components
        let wall = Double(seconds) + Double(attoseconds) / 1e18
        return Double(usage - previous.usage) / 1e9 / wall
    }

    func forget(name: String) { last[name] = nil }
}
