import HTTP

/// One accepted socket and everything the loop knows about it. Owned by exactly one `EventLoop` and
/// touched only on its thread.
final class Connection {
    /// What the connection is doing; decides which bytes mean what and which timeouts apply.
    enum Mode {
        /// Parsing requests and writing responses.
        case http
        /// Upgraded (RFC 6455); `WebSocketState` holds the codec and the session.
        case webSocket(WebSocketState)
    }

    /// The request whose response has not been written yet; later pipelined requests wait for it.
    enum InFlight {
        case deferred(request: HTTPRequest, context: RequestContext, keepAlive: Bool)
        case stream(keepAlive: Bool, writer: ResponseBodyWriter, task: Task<Void, Never>?)
    }

    let id: UInt64
    let fd: Int32
    let transport: RequestContext.Transport
    let peer: Peer
    /// The TLS session of a `.tls` connection; its handshake runs before any HTTP byte is read.
    let tls: TLSConnection?
    /// What the TLS client presented in its handshake; the same for every request on the connection.
    var peerCertificate: PeerCertificate?
    /// A read of input OpenSSL holds is queued on the loop (see `EventLoop.tlsInterest`).
    var bufferedReadQueued = false
    let acceptedAt: Int64

    var mode: Mode = .http
    var parser: HTTPRequestParser
    var inFlight: InFlight?

    var output: [UInt8] = []
    /// The gauge of the stream or WebSocket using this connection, told about every byte sent.
    var outputGauge: OutputGauge?
    var outputOffset = 0
    /// The epoll interest currently registered, so it is changed only when it must be.
    var interest: UInt32 = 0

    /// Close once pending output is written and nothing is in flight (Connection: close, errors).
    var closeAfterFlush = false
    /// The peer shut down its sending side; no more requests will come.
    var peerClosed = false

    var lastActivity: Int64
    /// When the first byte of the request being received arrived.
    var requestStarted: Int64?
    /// When pending output last shrank; a peer that stops reading is cut off after the write timeout.
    var lastWriteProgress: Int64

    init(
        id: UInt64, fd: Int32, transport: RequestContext.Transport, peer: Peer, tls: TLSConnection? = nil,
        limits: HTTPParserLimits, now: Int64
    ) {
        self.id = id
        self.fd = fd
        self.transport = transport
        self.peer = peer
        self.tls = tls
        acceptedAt = now
        parser = HTTPRequestParser(limits: limits)
        lastActivity = now
        lastWriteProgress = now
    }

    var pendingOutputCount: Int { output.count - outputOffset }

    /// A `.tls` connection whose handshake has not completed: no HTTP yet.
    var isHandshaking: Bool {
        guard let tls else { return false }
        return !tls.isEstablished
    }

    var isWebSocket: Bool {
        if case .webSocket = mode { return true }
        return false
    }
}
