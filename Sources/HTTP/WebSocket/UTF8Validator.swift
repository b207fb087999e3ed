/// An incremental UTF-8 validator: a DFA over the well-formed byte sequences of Unicode §3.9,
/// Table 3-7, which excludes overlong forms, surrogates (U+D800–U+DFFF) and code points above
/// U+10FFFF.
///
/// Bytes may arrive in any number of pieces; a code point split across two WebSocket fragments
/// is fine, and an invalid byte fails as soon as it is seen, so a text message is rejected
/// mid-fragment as RFC 6455 §8.1 allows ("fail fast").
struct UTF8Validator: Sendable, Equatable {
    /// The DFA state: ``accept``, ``reject`` or a state expecting more continuation bytes.
    private var state: UInt8 = UTF8Validator.accept

    /// Between code points.
    private static let accept: UInt8 = 0
    /// Expecting 1, 2 or 3 more bytes in 80…BF.
    private static let need1: UInt8 = 1
    private static let need2: UInt8 = 2
    private static let need3: UInt8 = 3
    /// After E0: next byte in A0…BF (no overlong 3-byte forms).
    private static let afterE0: UInt8 = 4
    /// After ED: next byte in 80…9F (no surrogates).
    private static let afterED: UInt8 = 5
    /// After F0: next byte in 90…BF (no overlong 4-byte forms).
    private static let afterF0: UInt8 = 6
    /// After F4: next byte in 80…8F (nothing above U+10FFFF).
    private static let afterF4: UInt8 = 7
    /// An invalid sequence was seen; the state never leaves it.
    private static let reject: UInt8 = 8

    init() {}

    /// Whether everything fed so far is valid and ends on a code point boundary.
    var isComplete: Bool { state == Self.accept }

    /// Whether everything fed so far could still be the start of valid UTF-8.
    var isValidSoFar: Bool { state != Self.reject }

    /// Feeds `bytes`; returns false as soon as they cannot be part of valid UTF-8.
    @discardableResult
    mutating func consume<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ consume(buffer: $0) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { consume(buffer: $0) }
    }

    private mutating func consume(buffer bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return state != Self.reject }
        var state = self.state
        var i = 0
        let count = bytes.count
        while i < count {
            // ASCII fast path: eight bytes at a time between code points.
            if state == Self.accept {
                while i + 8 <= count {
                    let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 != 0 { break }
                    i += 8
                }
                if i == count { break }
            }
            state = Self.transition(state, bytes[i])
            if state == Self.reject { break }
            i += 1
        }
        self.state = state
        return state != Self.reject
    }

    @inline(__always)
    private static func transition(_ state: UInt8, _ byte: UInt8) -> UInt8 {
        switch state {
        case accept:
            switch byte {
            case 0x00...0x7F: return accept
            case 0xC2...0xDF: return need1
            case 0xE0: return afterE0
            case 0xE1...0xEC, 0xEE...0xEF: return need2
            case 0xED: return afterED
            case 0xF0: return afterF0
            case 0xF1...0xF3: return need3
            case 0xF4: return afterF4
            default: return reject  // 80…C1 (continuation or overlong lead), F5…FF
            }
        case need1: return (0x80...0xBF).contains(byte) ? accept : reject
        case need2: return (0x80...0xBF).contains(byte) ? need1 : reject
        case need3: return (0x80...0xBF).contains(byte) ? need2 : reject
        case afterE0: return (0xA0...0xBF).contains(byte) ? need1 : reject
        case afterED: return (0x80...0x9F).contains(byte) ? need1 : reject
        case afterF0: return (0x90...0xBF).contains(byte) ? need2 : reject
        case afterF4: return (0x80...0x8F).contains(byte) ? need2 : reject
        default: return reject
        }
    }

    /// Whether `bytes` is, on its own, complete and valid UTF-8.
    static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var validator = UTF8Validator()
        return validator.consume(bytes) && validator.isComplete
    }
}
