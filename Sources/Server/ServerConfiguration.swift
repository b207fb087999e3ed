import HTTP

/// Limits and timeouts of an `HTTPServer`. Every limit answers with the status RFC 9110 assigns to it
/// (431, 413, 408, 503) through the responder's error mapping.
public struct ServerConfiguration: Sendable {
    /// Event-loop threads; each owns its connections. Two matches this kind of machine's cores.
    public var loopCount: Int = 2
    /// Connections above this are answered 503 and closed at once; the others keep being served.
    /// Idle long polls are cheap here (no thread each), so the bound is the descriptor limit: the
    /// daemon sets it from RLIMIT_NOFILE (`FileDescriptorLimit`); this default holds 10,000 idle
    /// clients with room to spare.
    public var maxConnections: Int = 16_384
    /// TCP (and TLS) connections one peer address may hold at once; above it, 503 and closed at
    /// once like `maxConnections`, so one host cannot take every slot. Unix-socket peers are local
    /// and trusted: not counted.
    public var maxConnectionsPerPeer: Int = 256
    /// Request line + headers (431) and body (413) caps.
    public var parserLimits = HTTPParserLimits()
    /// Chooses, per request head, a sink that takes the body as it arrives (a file, see
    /// `FileBodySink`) instead of memory; its file is removed once the request is answered.
    public var bodySinkProvider:
        (@Sendable (_ method: HTTPMethod, _ target: String, _ headers: HTTPHeaders) -> (any HTTPBodySink)?)?
    /// Time allowed from a request's first byte until its head is complete (slowloris defence).
    public var headerTimeoutMilliseconds: Int64 = 10_000
    /// The identity of `.tls` listeners; binding one without it fails. Its TLS context is made when
    /// the first `.tls` listener is bound: a server that serves only its unix socket never sets up
    /// OpenSSL's TLS side (~0.35 MB of libssl it would touch and keep resident, measured).
    public var tls: TLSIdentity?
    /// Time allowed from accepting a `.tls` connection until its handshake is complete: a client
    /// that stalls mid-handshake holds a descriptor and OpenSSL's buffers, so it gets no longer
    /// than one that stalls mid-head.
    public var tlsHandshakeTimeoutMilliseconds: Int64 = 10_000
    /// Longest pause allowed between two reads of a request body.
    public var bodyTimeoutMilliseconds: Int64 = 30_000
    /// An idle keep-alive connection is closed after this.
    public var idleTimeoutMilliseconds: Int64 = 60_000
    /// A peer that reads nothing of pending output for this long is disconnected.
    public var writeTimeoutMilliseconds: Int64 = 30_000
    /// Output queued for a slow peer beyond this closes the connection, so one slow reader cannot
    /// make the daemon buffer without bound.
    public var maxPendingOutputBytes: Int = 16 << 20
    /// WebSocket limits (RFC 6455 §10.4).
    public var webSocketMaxFrameBytes: Int = 1 << 20
    public var webSocketMaxMessageBytes: Int = 16 << 20
    /// After sending a close frame, how long to wait for the peer's before dropping the connection.
    public var webSocketCloseTimeoutMilliseconds: Int64 = 2_000

    public init() {}
}
