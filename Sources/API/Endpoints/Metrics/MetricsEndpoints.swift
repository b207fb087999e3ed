import Drivers
import Foundation
import HTTP
import Instances
import Observability
import Operations

/// `GET /1.0/metrics` (LXD's endpoint) in Prometheus text format 0.0.4: Berth's own `berth_*`
/// families (queue, HTTP, events, instances), then per-instance CPU and memory under LXD's
/// `lxd_*` names so that dashboards made for LXD work unchanged.
enum MetricsEndpoints {
    static func endpoints(_ context: APIContext) -> [Endpoint] {
        [
            Endpoint(
                "/1.0/metrics",
                get: .deferred(.view) { _ in
                    let body = await report(context).bytes
                    return .raw(
                        HTTPResponse(
                            status: .ok,
                            headers: ["Content-Type": MetricsText.contentType, "X-Content-Type-Options": "nosniff"],
                            body: body))
                })
        ]
    }

    static func report(_ context: APIContext) async -> MetricsText {
        var text = MetricsText()
        operations(context.operations, into: &text)
        http(context.httpMetrics, connections: await context.httpsListener.openConnections, into: &text)
        text.family("berth_event_subscribers", .gauge, help: "Live event subscribers (GET /1.0/events and waiters).")
        text.sample("berth_event_subscribers", context.events.subscriberCount)
        text.family(
            "berth_event_slow_consumers_dropped_total", .counter,
            help: "Event subscribers cut off for falling too far behind.")
        text.sample("berth_event_slow_consumers_dropped_total", context.events.droppedSubscribers)
        if let instances = context.instances { await InstanceMetrics.write(instances, into: &text) }
        return text
    }

    static func operations(_ operations: OperationManager, into text: inout MetricsText) {
        let metrics = operations.metrics
        text.family(
            "berth_operations_total", .counter, help: "Operations that ended since start, by type and final status.")
        for (key, count) in metrics.finals {
            text.sample("berth_operations_total", [("type", key.type), ("status", key.status.name)], count)
        }
        let gauges = operations.queueGauges()
        text.family("berth_operations_queued", .gauge, help: "Jobs waiting for their queue key or a worker.")
        text.sample("berth_operations_queued", gauges.queued)
        text.family("berth_operations_running", .gauge, help: "Jobs running now.")
        text.sample("berth_operations_running", gauges.running)
        text.family(
            "berth_queue_oldest_age_seconds", .gauge,
            help: "Age of the oldest waiting job's operation; 0 when nothing waits.")
        text.sample("berth_queue_oldest_age_seconds", gauges.oldestQueuedAgeSeconds)
        text.family(
            "berth_operation_step_duration_seconds", .histogram, help: "How long operation steps ran, by type and step."
        )
        for (key, durations) in metrics.steps {
            text.histogram(
                "berth_operation_step_duration_seconds", [("type", key.type), ("step", key.step)], durations)
        }
    }

    static func http(_ metrics: HTTPMetrics, connections: Int, into text: inout MetricsText) {
        let served = metrics.served
        text.family(
            "berth_http_requests_total", .counter, help: "HTTP requests answered, by route pattern, method and status.")
        for route in served {
            for (status, count) in route.statuses.counts {
                text.sample(
                    "berth_http_requests_total",
                    [("route", route.route), ("method", route.method), ("status", String(status))], count)
            }
        }
        text.family(
            "berth_http_request_duration_seconds", .histogram,
            help: "Time to answer HTTP requests (to the response head for streams), by route pattern and method.")
        for route in served {
            text.histogram(
                "berth_http_request_duration_seconds", [("route", route.route), ("method", route.method)],
                route.durations.snapshot)
        }
        text.family("berth_http_connections_open", .gauge, help: "Client connections open on every listener.")
        text.sample("berth_http_connections_open", connections)
    }
}
