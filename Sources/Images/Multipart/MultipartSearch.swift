#if canImport(Glibc)
    import Glibc
#endif

/// Byte-sequence search for the parser. A delimiter starts with CR, and RFC 2046 §5.1.1 keeps CR
/// and LF out of boundaries, so a failed comparison never overlaps the next CR: scanning CRs with
/// `memchr` and comparing there is linear, whatever the body holds, even in a debug build.
enum MultipartSearch {
    static let crlf: [UInt8] = [0x0D, 0x0A]

    /// The index in `haystack` where `needle` (starting with CR) begins, or nil.
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        precondition(needle.first == 0x0D)
        guard haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { buffer -> Int? in
            needle.withUnsafeBufferPointer { pattern -> Int? in
                guard let base = buffer.baseAddress, let patternBase = pattern.baseAddress else { return nil }
                var offset = 0
                let last = buffer.count - pattern.count
                while offset <= last {
                    guard let found = memchr(base + offset, 0x0D, last - offset + 1) else { return nil }
                    let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + position, patternBase, pattern.count) == 0 {
                        return haystack.startIndex + position
                    }
                    offset = position + 1
                }
                return nil
            }
        }
    }

    /// The length of the longest suffix of `haystack` that is a proper prefix of `needle`: the bytes
    /// that must wait for more input before they can be passed on as part data.
    static func partialSuffix(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int {
        let window = min(needle.count - 1, haystack.count)
        var length = window
        while length > 0 {
            if haystack.suffix(length).elementsEqual(needle.prefix(length)) { return length }
            length -= 1
        }
        return 0
    }
}
