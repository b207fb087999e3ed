import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Formats the `Date` header at most once per second per loop; the value only changes each second.
struct DateHeaderCache {
    private var second = -1
    private var cached = ""

    mutating func current() -> String {
        let now = time(nil)
        if now != second {
            second = now
            cached = HTTPDate.imfFixdate(epochSeconds: now)
        }
        return cached
    }
}
