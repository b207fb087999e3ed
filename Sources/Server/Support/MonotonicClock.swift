import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// Milliseconds on the monotonic clock: timeouts must not jump when the wall clock is set.
enum MonotonicClock {
    static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
