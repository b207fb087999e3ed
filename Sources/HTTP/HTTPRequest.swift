/// A complete HTTP/1.1 request as the parser produced it: head plus the whole (de-chunked) body.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as sent (origin-form: path plus optional `?query`).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The body, when the server wrote it to a file as it arrived (then `body` is empty).
    public var spooledBody: HTTPSpooledBody?

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
        body: [UInt8] = [], spooledBody: HTTPSpooledBody? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.spooledBody = spooledBody
    }

    /// The path part of the target, still percent-encoded.
    public var rawPath: Substring {
        if let q = target.firstIndex(of: "?") { return target[..<q] }
        return Substring(target)
    }

    /// The query part of the target without the `?`, or nil when there is none.
    public var rawQuery: Substring? {
        guard let q = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: q)...]
    }

    /// Whether the connection stays open after this request (RFC 9112 §9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        if version == .http1_0 { return headers.containsToken("keep-alive", in: "Connection") }
        return true
    }
}
