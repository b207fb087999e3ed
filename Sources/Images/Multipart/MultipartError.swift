/// Why a `multipart/form-data` body (RFC 7578) was rejected. Every case is the client's fault:
/// the upload endpoint answers 400 with ``description`` and keeps nothing of the body.
public enum MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `Content-Type` has no `boundary` parameter, or it is not 1–70 of RFC 2046 §5.1.1's
    /// `bchars`, not ending in a space.
    case invalidBoundary(String)

    /// The body ended before its first `--boundary` line.
    case missingOpeningBoundary

    /// A boundary delimiter was followed by something other than `--` (the close delimiter) or
    /// optional spaces and CRLF (RFC 2046 §5.1.1's transport padding). Bare LF is refused too.
    case malformedBoundaryLine

    /// A part's header section did not end within the limit (``MultipartLimits/maxHeaderBytes``).
    case headersTooLarge(limit: Int)

    /// A header line of a part is not `name: value` with a token name, uses obsolete folding,
    /// or a parameter of `Content-Disposition` is not `key=token` or `key="quoted string"`.
    case malformedHeader(String)

    /// A part has no `Content-Disposition`, or it is not `form-data` with a `name` (RFC 7578 §4.2).
    case invalidContentDisposition(String)

    /// More parts than ``MultipartLimits/maxParts``.
    case tooManyParts(limit: Int)

    /// The body ended inside a part: the close delimiter `--boundary--` never came.
    case truncated

    public var description: String {
        switch self {
        case .invalidBoundary(let reason): "multipart body: \(reason)"
        case .missingOpeningBoundary: "multipart body: the boundary given in Content-Type never occurs"
        case .malformedBoundaryLine: "multipart body: a boundary line does not end in CRLF"
        case .headersTooLarge(let limit): "multipart body: a part's headers exceed \(limit) bytes"
        case .malformedHeader(let reason): "multipart body: malformed part header: \(reason)"
        case .invalidContentDisposition(let reason): "multipart body: \(reason)"
        case .tooManyParts(let limit): "multipart body: more than \(limit) parts"
        case .truncated: "multipart body: truncated (no closing boundary)"
        }
    }
}
