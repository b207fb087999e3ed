import Synchronization

/// Bytes a handler has handed to a stream or WebSocket that the peer has not taken yet. The handler
/// adds what it writes; the loop subtracts what the socket accepts. Framing bytes make it drift low by
/// a few bytes per message, so it is a measure for "is this peer falling behind", not an exact count.
final class OutputGauge: Sendable {
    private let bytes = Atomic<Int>(0)

    func add(_ count: Int) { bytes.add(count, ordering: .relaxed) }
    func subtract(_ count: Int) { bytes.subtract(count, ordering: .relaxed) }
    var value: Int { max(0, bytes.load(ordering: .relaxed)) }
}
