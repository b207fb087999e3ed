/// What the server knows about a request beyond its bytes: the listener it arrived on and the peer.
public struct RequestContext: Sendable {
    /// The listener kind decides trust: unix-socket callers are local, TCP callers are remote.
    public enum Transport: Sendable, Equatable {
        case unix
        case tcp
    }

    public let transport: Transport
    public let peer: Peer
    /// Unique per connection for the life of the process; lets logs tie pipelined requests together.
    public let connectionID: UInt64
    /// Unique per request for the life of the process.
    public let requestID: UInt64

    public init(transport: Transport, peer: Peer, connectionID: UInt64, requestID: UInt64) {
        self.transport = transport
        self.peer = peer
        self.connectionID = connectionID
        self.requestID = requestID
    }
}
