import HTTP
import Synchronization

/// Writes the body of a `.stream` reply as HTTP chunks. Writes are queued to the connection's loop and
/// never block; a peer that falls more than `maxPendingOutputBytes` behind is disconnected and later
/// writes throw `ServerError.connectionClosed`. When the connection closes, the producer's task is
/// cancelled too.
public final class ResponseBodyWriter: Sendable {
    private let loop: EventLoopHandle
    private let connectionID: UInt64
    private let closed = Atomic<Bool>(false)
    let gauge = OutputGauge()

    init(loop: EventLoopHandle, connectionID: UInt64) {
        self.loop = loop
        self.connectionID = connectionID
    }

    public var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// Roughly how many written bytes the peer has not read yet; a producer that must not fall far
    /// behind (an event stream) checks it and ends the stream with a reason of its own.
    public var pendingBytes: Int { gauge.value }

    /// Queues `bytes` as one chunk. Empty writes are ignored (an empty chunk would end the body).
    public func write(_ bytes: [UInt8]) throws(ServerError) {
        guard !isClosed else { throw .connectionClosed }
        guard !bytes.isEmpty else { return }
        gauge.add(bytes.count)
        let id = connectionID
        loop.execute { loop in loop.writeStreamChunk(connectionID: id, bytes) }
    }

    public func write(_ text: String) throws(ServerError) { try write(Array(text.utf8)) }

    func markClosed() { closed.store(true, ordering: .releasing) }
}
