/// Where a request's body goes instead of memory: the server gives the parser one for requests
/// whose bodies may be larger than it should buffer (image uploads). Used on one connection's
/// thread only; implementations are classes holding a file.
public protocol HTTPBodySink: AnyObject, Sendable {
    /// The largest body this sink takes, instead of ``HTTPParserLimits/maxBodyBytes``.
    var maxBytes: Int { get }

    /// Appends body bytes (de-chunked). A failure to store them fails the request with 500.
    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPParserError)

    /// The body is complete: what the request carries to its handler.
    func finish() throws(HTTPParserError) -> HTTPSpooledBody

    /// The request failed or its connection closed: whatever was stored is removed.
    func discard()
}
