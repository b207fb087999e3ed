/// The XOR masking of RFC 6455 §5.3, which is its own inverse: the same call masks and unmasks.
enum WebSocketMasking {
    /// XORs `bytes` in place with `key` repeated, the first byte with `key.0`.
    static func apply(_ key: (UInt8, UInt8, UInt8, UInt8), to bytes: UnsafeMutableRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        // Eight bytes at a time: the key repeated twice, in memory order, as one word.
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { word in
            for k in 0..<8 { word[k] = k & 3 == 0 ? key.0 : k & 3 == 1 ? key.1 : k & 3 == 2 ? key.2 : key.3 }
        }
        var i = 0
        while i + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            base.storeBytes(of: word ^ pattern, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            let k = i & 3
            bytes[i] ^= k == 0 ? key.0 : k == 1 ? key.1 : k == 2 ? key.2 : key.3
            i += 1
        }
    }
}
