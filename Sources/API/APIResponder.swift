import HTTP
import Log
import Server

/// The bridge from the HTTP server to the API: routing, trust, the `project` rule, the request log,
/// and rendering every result or error as an LXD envelope.
public struct APIResponder: HTTPResponder {
    let router: Router
    let logger: Logger

    public init(router: Router, logger: Logger) {
        self.router = router
        self.logger = logger
    }

    public func respond(to request: HTTPRequest, context: RequestContext) -> Reply {
        let started = logger.isEnabled(.debug) ? ContinuousClock.now : nil
        let reply = route(request, context: context)
        if let started {
            if case .response(let response) = reply {
                logRequest(request, context: context, status: response.status.code, started: started)
            } else if case .deferred(let work) = reply {
                return .deferred {
                    let reply = await work()
                    let status: Int
                    switch reply {
                    case .response(let response): status = response.status.code
                    case .stream(let head, _): status = head.status.code
                    case .webSocket: status = 101
                    case .deferred: status = 0
                    }
                    self.logRequest(request, context: context, status: status, started: started)
                    return reply
                }
            } else if case .stream(let head, _) = reply {
                logRequest(request, context: context, status: head.status.code, started: started)
            } else {
                logRequest(request, context: context, status: 101, started: started)
            }
        }
        return reply
    }

    public func errorResponse(status: HTTPStatus, message: String) -> HTTPResponse {
        Envelope.error(APIError(status, message))
    }

    private func route(_ request: HTTPRequest, context: RequestContext) -> Reply {
        // Until TLS client trust exists, only local (unix socket) callers are trusted. Untrusted callers
        // learn nothing about which paths exist: anything but an untrusted action is 403.
        let trusted = context.transport == .unix
        let action: Action
        let parameters: [String: String]
        switch router.match(method: request.method, components: request.pathComponents) {
        case .action(let matched, let matchedParameters) where trusted || matched.access == .untrusted:
            action = matched
            parameters = matchedParameters
        case _ where !trusted: return .response(Envelope.error(.forbidden))
        case .notFound: return .response(Envelope.error(.notFound))
        case .methodNotAllowed: return .response(Envelope.error(.notImplemented))
        case .action: return .response(Envelope.error(.forbidden))
        }

        let apiRequest = APIRequest(
            http: request, context: context, trusted: trusted, parameters: parameters, query: request.queryItems)
        // Projects do not exist yet: `default` is the only one, and LXD answers others with 404.
        if apiRequest.project != "default" { return .response(Envelope.error(.projectNotFound)) }

        switch action.handler {
        case .immediate(let handler):
            do {
                return try handler(apiRequest).reply
            } catch {
                return .response(ErrorMapping.response(for: error))
            }
        case .deferred(let handler):
            return .deferred {
                do {
                    return try await handler(apiRequest).reply
                } catch {
                    return .response(ErrorMapping.response(for: error))
                }
            }
        }
    }

    private func logRequest(
        _ request: HTTPRequest, context: RequestContext, status: Int, started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.debug(
            "request",
            [
                "request_id": String(context.requestID), "method": request.method.rawValue, "path": request.target,
                "status": String(status), "duration_us": String(micros), "peer": context.peer.description,
            ])
    }
}
