import HTTP

/// An error that knows its HTTP status and the message clients see (LXD's `api.StatusError`).
/// Handlers throw these; everything else is mapped by `ErrorMapping`.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPStatus
    public let message: String

    public init(_ status: HTTPStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code): \(message)" }

    // LXD's default texts (lxd/response/response.go) for errors without a specific message.
    public static let notFound = APIError(.notFound, "not found")
    public static let forbidden = APIError(.forbidden, "not authorized")
    public static let notImplemented = APIError(.notImplemented, "not implemented")
    public static let projectNotFound = APIError(.notFound, "Project not found")

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, message) }
    public static func internalError(_ message: String) -> APIError { APIError(.internalServerError, message) }
    public static func unavailable(_ message: String) -> APIError { APIError(.serviceUnavailable, message) }
}
