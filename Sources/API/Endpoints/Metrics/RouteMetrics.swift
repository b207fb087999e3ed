import Observability

/// One route and method's requests: counts by status and the duration histogram.
final class RouteMetrics: Sendable {
    let route: String
    let method: String
    let statuses = StatusCounts()
    let durations = Histogram()

    init(route: String, method: String) {
        self.route = route
        self.method = method
    }
}
