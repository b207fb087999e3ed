/// Bytes read from a connection and not yet consumed, shared by ``HTTPRequestParser`` and
/// ``WebSocketFrameDecoder``: decoders read `bytes` from `readIndex` on and advance it.
///
/// Consumed bytes are dropped lazily: only once `compactionThreshold` of them are consumed and they
/// are at least half the storage, so compaction costs O(1) amortised per byte.
struct InputBuffer: Sendable {
    static let compactionThreshold = 4096
    /// An emptied buffer keeps its storage only up to this size, so one large body or frame does not
    /// pin memory for the rest of a long-lived connection.
    static let retainedCapacity = 64 * 1024

    var bytes: [UInt8] = []
    /// The first unconsumed byte of `bytes`.
    var readIndex = 0

    var readableCount: Int { bytes.count - readIndex }

    mutating func append(_ newBytes: UnsafeRawBufferPointer) {
        guard !newBytes.isEmpty else { return }
        compactIfNeeded()
        bytes.append(contentsOf: newBytes)
    }

    mutating func append(_ newBytes: [UInt8]) {
        guard !newBytes.isEmpty else { return }
        compactIfNeeded()
        bytes.append(contentsOf: newBytes)
    }

    /// Removes and returns every unconsumed byte.
    mutating func takeRemaining() -> [UInt8] {
        let rest = Array(bytes[readIndex...])
        bytes = []
        readIndex = 0
        return rest
    }

    private mutating func compactIfNeeded() {
        guard readIndex > 0 else { return }
        if readIndex == bytes.count {
            bytes.removeAll(keepingCapacity: bytes.capacity <= Self.retainedCapacity)
            readIndex = 0
        } else if readIndex >= Self.compactionThreshold && readIndex >= bytes.count / 2 {
            bytes.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
