/// Why ``HTTPRequestParser`` rejected a request. Each case maps to the status the server answers
/// with before closing the connection (``status``) and a sentence for the error body (``message``).
///
/// Once the parser has thrown, the connection's framing is lost: every later call to
/// ``HTTPRequestParser/next()`` throws the same error again.
public enum HTTPParserError: Error, Sendable, Equatable {
    /// The request line is not `method SP request-target SP HTTP-version CRLF` (RFC 9112 §3): an
    /// empty line, a method with non-token bytes, a missing or doubled space, or a version that is
    /// not `HTTP/DIGIT.DIGIT`. Status 400.
    case invalidRequestLine

    /// The request-target is neither origin-form (it starts with `/`) nor `*` on an OPTIONS request,
    /// or it holds bytes outside visible US-ASCII (RFC 9112 §3.2). Absolute-form and
    /// authority-form are not served. Status 400.
    case invalidTarget

    /// The version is well formed but its major version is not 1 (RFC 9110 §15.6.6), e.g.
    /// `HTTP/2.0` sent as text. Status 505.
    case unsupportedVersion(major: Int, minor: Int)

    /// A line ended in LF without the CR before it. RFC 9112 §2.2 lets a recipient accept a bare LF;
    /// Berth refuses it so that every hop agrees on where a line ends. Status 400.
    case bareLineFeed

    /// A field line whose name is empty or holds a non-token byte, including whitespace between the
    /// name and the colon (RFC 9112 §5.1). Status 400.
    case invalidHeaderName

    /// A field value holds NUL, a bare CR or another control character (RFC 9110 §5.5). Status 400.
    case invalidHeaderValue(name: String)

    /// A field line starts with whitespace: obsolete line folding (RFC 9112 §5.2), or whitespace
    /// between the request line and the first field (RFC 9112 §2.2). Status 400.
    case obsoleteLineFolding

    /// `Content-Length` is not a non-empty string of digits, or is repeated with different values
    /// (RFC 9112 §6.3, RFC 9110 §8.6). Status 400.
    case invalidContentLength

    /// The request has both `Transfer-Encoding` and `Content-Length` (RFC 9112 §6.3, item 3): a
    /// request-smuggling vector, so it is refused rather than resolved. Status 400.
    case conflictingFraming

    /// `Transfer-Encoding` lists `chunked` more than once or not last, is empty, or appears in an
    /// HTTP/1.0 request (RFC 9112 §6.1, §6.3). Status 400.
    case invalidTransferEncoding

    /// `Transfer-Encoding` names a coding other than `chunked`, the only one Berth decodes
    /// (RFC 9112 §6.1). Status 501.
    case unsupportedTransferEncoding(String)

    /// A chunked body is malformed (RFC 9112 §7.1): a chunk-size that is not hexadecimal or does not
    /// fit in 63 bits, a chunk-size line longer than 4096 bytes, control bytes in a chunk extension,
    /// or chunk data not followed by CRLF. Status 400.
    case invalidChunkedBody

    /// The request head (or the trailer section) is longer than `limit` bytes. Status 431.
    case headersTooLarge(limit: Int)

    /// The body is, or announces that it will be, longer than `limit` bytes. Status 413.
    case bodyTooLarge(limit: Int)

    /// The server could not store a body it spools to a file (``HTTPBodySink``): a full disk, say.
    /// Status 500.
    case bodyNotStored(reason: String)

    /// The status the server answers with.
    public var status: HTTPStatus {
        switch self {
        case .unsupportedVersion: .httpVersionNotSupported
        case .unsupportedTransferEncoding: .notImplemented
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .bodyNotStored: .internalServerError
        case .invalidRequestLine, .invalidTarget, .bareLineFeed, .invalidHeaderName, .invalidHeaderValue,
            .obsoleteLineFolding, .invalidContentLength, .conflictingFraming, .invalidTransferEncoding,
            .invalidChunkedBody:
            .badRequest
        }
    }

    /// A sentence for the error response body and the log, naming the rule that was broken.
    public var message: String {
        switch self {
        case .invalidRequestLine:
            "Malformed request line (expected \"METHOD /path HTTP/1.1\")"
        case .invalidTarget:
            "Invalid request target (expected an absolute path such as \"/1.0\", or \"*\" for OPTIONS)"
        case .unsupportedVersion(let major, let minor):
            "HTTP version \(major).\(minor) is not supported (use HTTP/1.1 or HTTP/1.0)"
        case .bareLineFeed:
            "Line ended with LF instead of CRLF"
        case .invalidHeaderName:
            "Invalid header field name (token characters only, no whitespace before the colon)"
        case .invalidHeaderValue(let name):
            "Invalid character in the value of header field \"\(name)\""
        case .obsoleteLineFolding:
            "Header line starts with whitespace (obsolete line folding is not accepted)"
        case .invalidContentLength:
            "Invalid Content-Length (expected one non-negative decimal number)"
        case .conflictingFraming:
            "Request has both Transfer-Encoding and Content-Length"
        case .invalidTransferEncoding:
            "Invalid Transfer-Encoding (\"chunked\" must appear once, last, and only in HTTP/1.1)"
        case .unsupportedTransferEncoding(let coding):
            "Transfer coding \"\(coding)\" is not supported (only \"chunked\" is)"
        case .invalidChunkedBody:
            "Malformed chunked request body"
        case .headersTooLarge(let limit):
            "Request header fields too large (limit \(limit) bytes)"
        case .bodyTooLarge(let limit):
            "Request body too large (limit \(limit) bytes)"
        case .bodyNotStored(let reason):
            "The request body could not be stored: \(reason)"
        }
    }
}
