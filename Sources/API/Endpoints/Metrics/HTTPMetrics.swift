import HTTP
import Observability
import Synchronization

/// Requests by route pattern, method and status, with latency histograms
/// (`berth_http_requests_total`, `berth_http_request_duration_seconds`).
///
/// Labels stay bounded whatever clients send: the route is the router's pattern (`unmatched` when
/// none matched), a method outside the standard ones is `other`. The declared route and method
/// pairs get their counters when the responder is built, so the request path only reads an
/// immutable table and bumps atomics; other pairs (HEAD, 404s) go through a locked table.
public final class HTTPMetrics: Sendable {
    static let unmatchedRoute = "unmatched"
    static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    private final class Table: Sendable {
        /// Keyed by route, then method.
        let declared: [String: [String: RouteMetrics]]

        init(_ declared: [String: [String: RouteMetrics]]) { self.declared = declared }
    }

    private let table = AtomicLazyReference<Table>()
    private let others = Mutex<[String: RouteMetrics]>([:])

    public init() {}

    /// Sets up the counters of the routes a router serves. The first router wins: one daemon has one.
    func install(_ routes: [(path: String, method: HTTPMethod, access: Access)]) {
        guard table.load() == nil else { return }
        var declared: [String: [String: RouteMetrics]] = [:]
        for route in routes {
            declared[route.path, default: [:]][route.method.rawValue] = RouteMetrics(
                route: route.path, method: route.method.rawValue)
        }
        _ = table.storeIfNil(Table(declared))
    }

    func record(route: String?, method: HTTPMethod, status: Int, duration: Duration) {
        let metrics = self.metrics(route: route, method: method.rawValue)
        metrics.statuses.add(status: status)
        metrics.durations.observe(duration)
    }

    private func metrics(route: String?, method: String) -> RouteMetrics {
        if let route, let found = table.load()?.declared[route]?[method] { return found }
        let route = route ?? Self.unmatchedRoute
        let method = Self.standardMethods.contains(method) ? method : "other"
        return others.withLock { others in
            let key = method + " " + route
            if let existing = others[key] { return existing }
            let created = RouteMetrics(route: route, method: method)
            others[key] = created
            return created
        }
    }

    /// Every route and method that has served a request, sorted by route then method.
    var served: [RouteMetrics] {
        let declared = table.load()?.declared.values.flatMap(\.values) ?? []
        let all = declared.filter { $0.durations.snapshot.count > 0 } + others.withLock { Array($0.values) }
        return all.sorted { ($0.route, $0.method) < ($1.route, $1.method) }
    }
}
