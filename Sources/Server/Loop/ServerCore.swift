import HTTP
import Synchronization

/// State every loop of one server shares: configuration, the responder, counters and the drain flag.
final class ServerCore: Sendable {
    let configuration: ServerConfiguration
    let responder: any HTTPResponder
    let openConnections = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(1)
    let nextRequestID = Atomic<UInt64>(1)
    /// Listener tokens count down from just below the wake token; connection ids count up from 1.
    let nextListenerToken = Atomic<UInt64>(EventLoop.wakeToken - 1)
    let draining = Atomic<Bool>(false)
    /// TCP connections per peer address, for `maxConnectionsPerPeer`.
    let peerConnections = PeerConnectionCounts()
    /// Written to a connection refused because the server is at `maxConnections`.
    let overloadResponse: [UInt8]
    /// The context of `.tls` listeners, made with the first of them (see `ServerConfiguration.tls`).
    private let tlsContext = Mutex<TLSContext?>(nil)

    init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
        var bytes: [UInt8] = []
        var response = responder.errorResponse(
            status: .serviceUnavailable, message: "Too many open connections, try again later")
        response.headers.replaceOrAdd(name: "Retry-After", value: "1")
        HTTPResponseEncoder.write(response, keepAlive: false, date: HTTPDate.imfFixdate(epochSeconds: 0), into: &bytes)
        overloadResponse = bytes
    }

    func makeRequestID() -> UInt64 { nextRequestID.add(1, ordering: .relaxed).oldValue }

    func bind(_ address: ListenAddress) throws(SystemError) -> Listener {
        let token = nextListenerToken.subtract(1, ordering: .relaxed).oldValue
        return try Listener.bind(address, token: token, tls: makeTLSContext)
    }

    func adopt(_ socket: InheritedSocket) throws(SocketActivationError) -> Listener {
        let token = nextListenerToken.subtract(1, ordering: .relaxed).oldValue
        return try Listener.adopt(socket, token: token, tls: makeTLSContext)
    }

    var hasTLSContext: Bool { tlsContext.withLock { $0 != nil } }

    /// The one TLS context of this server, made on first use; nil without an identity, which
    /// `Listener` refuses for a `.tls` address.
    func makeTLSContext() throws(TLSError) -> TLSContext? {
        guard let identity = configuration.tls else { return nil }
        return try tlsContext.withLock { (made: inout TLSContext?) throws(TLSError) -> TLSContext in
            if let made { return made }
            let context = try TLSContext(identity: identity)
            made = context
            return context
        }
    }
}
