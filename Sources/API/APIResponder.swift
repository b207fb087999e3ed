import HTTP
import Log
import Operations
import Server

/// The bridge from the HTTP server to the API: routing, trust, the `project` rule, the request log,
/// and rendering every result or error as an LXD envelope.
public struct APIResponder: HTTPResponder {
    let router: Router
    let logger: Logger
    let trust: TrustStore
    let limiter: RateLimiter
    /// The server configuration in force (`core.rate_limit…`), read per request from a cache.
    let config: @Sendable () -> [String: String]
    /// Requests by route, method and status, for `GET /1.0/metrics`.
    let metrics: HTTPMetrics

    public init(
        router: Router, logger: Logger, trust: TrustStore, limiter: RateLimiter = RateLimiter(),
        metrics: HTTPMetrics = HTTPMetrics(), config: @escaping @Sendable () -> [String: String]
    ) {
        self.router = router
        self.metrics = metrics
        metrics.install(router.routes)
        self.logger = logger
        self.trust = trust
        self.limiter = limiter
        self.config = config
    }

    public func respond(to request: HTTPRequest, context: RequestContext) -> Reply {
        let logContext = LogContext.current.adding("request_id", String(context.requestID))
        return Self.carrying(
            logContext, LogContext.$current.withValue(logContext) { respondInContext(to: request, context: context) })
    }

    private func respondInContext(to request: HTTPRequest, context: RequestContext) -> Reply {
        let started = ContinuousClock.now
        var matchedRoute: String?
        let reply = route(request, context: context, matchedRoute: &matchedRoute)
        let route = matchedRoute
        if case .deferred(let work) = reply {
            return .deferred {
                let reply = await work()
                self.finished(request, context: context, route: route, status: Self.status(of: reply), started: started)
                return reply
            }
        }
        finished(request, context: context, route: route, status: Self.status(of: reply), started: started)
        return reply
    }

    private static func status(of reply: Reply) -> Int {
        switch reply {
        case .response(let response): response.status.code
        case .stream(let head, _): head.status.code
        case .webSocket: 101
        case .deferred: 0
        }
    }

    /// Counts the request by its route pattern and logs it; streams and upgrades count until their head.
    private func finished(
        _ request: HTTPRequest, context: RequestContext, route: String?, status: Int, started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        metrics.record(route: route, method: request.method, status: status, duration: elapsed)
        if logger.isEnabled(.debug) { logRequest(request, context: context, status: status, elapsed: elapsed) }
    }

    public func errorResponse(status: HTTPStatus, message: String) -> HTTPResponse {
        Envelope.error(APIError(status, message))
    }

    private func route(_ request: HTTPRequest, context: RequestContext, matchedRoute: inout String?) -> Reply {
        let now = Timestamp.now().nanoseconds
        let identity = trust.identify(context, headers: request.headers, now: now)
        // Refused before routing: counted as `unmatched`.
        if let wait = admit(identity, context: context, now: now) {
            var response = ErrorMapping.response(for: APIError(.tooManyRequests, "Too many requests"))
            response.headers.add(name: "Retry-After", value: String(wait))
            return .response(response)
        }
        // Untrusted callers learn nothing about which paths exist: anything they may not call is 403.
        let action: Action
        let apiRequest: APIRequest
        let (match, route) = router.locate(method: request.method, components: request.pathComponents)
        matchedRoute = route
        switch match {
        case .action(let matched, let parameters):
            let routed = APIRequest(
                http: request, context: context, identity: identity, parameters: parameters, query: request.queryItems)
            guard identity.permits(matched.access, method: request.method, project: routed.project) else {
                return .response(Envelope.error(.forbidden))
            }
            action = matched
            apiRequest = routed
        case _ where !identity.isTrusted: return .response(Envelope.error(.forbidden))
        case .notFound: return .response(Envelope.error(.notFound))
        case .methodNotAllowed: return .response(Envelope.error(.notImplemented))
        }

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

    /// Network callers are rate-limited per certificate, token or (untrusted) address; local ones
    /// are not. Nil: go ahead; otherwise the seconds for `Retry-After`.
    private func admit(_ identity: Identity, context: RequestContext, now: Int64) -> Int? {
        let key: String
        if let identityKey = identity.rateLimitKey {
            key = identityKey
        } else if case .tcp(let address, _) = context.peer {
            key = "address:" + address
        } else {
            return nil
        }
        let (perSecond, burst) = AuthConfigKeys.rate(config())
        return limiter.admit(key, perSecond: perSecond, burst: burst, now: now)
    }

    private func logRequest(
        _ request: HTTPRequest, context: RequestContext, status: Int, elapsed: Duration
    ) {
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.debug(
            "request",
            [
                "request_id": String(context.requestID), "method": request.method.rawValue, "path": request.target,
                "status": String(status), "duration_us": String(micros), "peer": context.peer.description,
            ])
    }
}
