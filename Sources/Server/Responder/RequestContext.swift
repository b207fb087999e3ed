/// What the server knows about a request beyond its bytes: the listener it arrived on and the peer.
public struct RequestContext: Sendable {
    /// The listener kind decides how a caller is identified: unix-socket callers by SO_PEERCRED,
    /// TLS callers by their client certificate or an API token, plain TCP callers not at all.
    public enum Transport: Sendable, Equatable {
        case unix
        case tcp
        case tls
    }

    public let transport: Transport
    public let peer: Peer
    /// The certificate a TLS client presented (verified only as well-formed and signed by its own
    /// key: whether it is trusted is the API's decision, against its trust store). Nil otherwise.
    public let peerCertificate: PeerCertificate?
    /// Unique per connection for the life of the process; lets logs tie pipelined requests together.
    public let connectionID: UInt64
    /// Unique per request for the life of the process.
    public let requestID: UInt64

    public init(
        transport: Transport, peer: Peer, peerCertificate: PeerCertificate? = nil, connectionID: UInt64,
        requestID: UInt64
    ) {
        self.transport = transport
        self.peer = peer
        self.peerCertificate = peerCertificate
        self.connectionID = connectionID
        self.requestID = requestID
    }
}
