/// Decodes percent-encoded URI components (RFC 3986 §2.1) and form-encoded query strings
/// (WHATWG URL, `application/x-www-form-urlencoded`, where `+` means a space).
public enum PercentDecoding {
    /// Decodes `%XX` escapes in `s`; with `plusAsSpace`, `+` becomes a space.
    ///
    /// Malformed escapes (`%`, `%4`, `%zz`) are kept literally rather than rejected, and decoded
    /// bytes that are not valid UTF-8 become U+FFFD, so every input decodes to something.
    public static func decode(_ s: Substring, plusAsSpace: Bool) -> String {
        var needsWork = false
        for byte in s.utf8 where byte == ASCII.percent || (plusAsSpace && byte == ASCII.plus) {
            needsWork = true
            break
        }
        guard needsWork else { return String(s) }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var iterator = Array(s.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == ASCII.percent, iterator.count >= 2,
                let high = ASCII.hexValue(iterator[iterator.startIndex]),
                let low = ASCII.hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(UInt8(truncatingIfNeeded: high << 4 | low))
                iterator.removeFirst(2)
            } else if plusAsSpace && byte == ASCII.plus {
                bytes.append(ASCII.space)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
