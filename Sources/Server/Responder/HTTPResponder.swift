import HTTP

/// The application behind the server: turns a request into a `Reply` (Hummingbird's `HTTPResponder`,
/// LXD's `response.Response`). It never touches a socket.
///
/// # Implementation requirements
/// `respond(to:context:)` runs on an event-loop thread. It must return quickly and never block: work
/// that waits (database writes, host commands, long polls) belongs in `.deferred`, `.stream` or
/// `.webSocket`, which run as tasks off the loop.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) -> Reply

    /// Renders a failure the server detects itself (malformed request, limits, timeouts, overload), so
    /// that these leave through the application's single error mapping too.
    func errorResponse(status: HTTPStatus, message: String) -> HTTPResponse
}
