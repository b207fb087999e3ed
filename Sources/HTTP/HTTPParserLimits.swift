/// Size limits that ``HTTPRequestParser`` enforces while bytes are still arriving, so that a peer
/// cannot make the daemon buffer an unbounded head or body.
public struct HTTPParserLimits: Sendable, Equatable {
    /// The largest request head: the request line plus every header field line, CRLFs and the
    /// final empty line included (RFC 9112 §2.1). Passing it fails with 431 (RFC 6585 §5) as soon
    /// as the limit is crossed, even if the empty line that ends the head never arrives. The same
    /// budget bounds the trailer section of a chunked body (RFC 9112 §7.1.2).
    public var maxHeaderBytes: Int

    /// The largest request body after de-chunking. A `Content-Length` above it fails with 413 as
    /// soon as the head is parsed, before any body byte arrives; a chunked body fails as soon as a
    /// chunk-size line would take it over the limit.
    public var maxBodyBytes: Int

    public init(maxHeaderBytes: Int = 16384, maxBodyBytes: Int = 64 << 20) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }
}
