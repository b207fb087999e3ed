import HTTP
import Operations
import Server
import Testing

@testable import API

/// `GET /1.0/metrics` through the real responder: every request counted once under its route
/// pattern, never its raw path.
@Suite struct MetricsEndpointsTests {
    /// The sample lines of the body, keyed by everything before the value.
    static func samples(_ body: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return samples
    }

    @Test func requestsAreCountedByRoutePatternMethodAndStatus() async throws {
        let harness = try APITestHarness()
        for _ in 0..<3 { #expect(await harness.send(.get, "/1.0").status == 200) }
        #expect(await harness.send(.get, "/1.0/operations/00000000-0000-0000-0000-000000000000").status == 404)
        #expect(await harness.send(.get, "/1.0/operations/11111111-0000-0000-0000-000000000000").status == 404)
        #expect(await harness.send(.get, "/1.0/nothing").status == 404)
        #expect(await harness.send(HTTPMethod(rawValue: "BREW"), "/1.0").status == 501)

        let response = await harness.send(.get, "/1.0/metrics")
        #expect(response.status == 200)
        #expect(response.response.headers["Content-Type"] == "text/plain; version=0.0.4")
        let samples = Self.samples(response.text)
        #expect(samples[#"berth_http_requests_total{route="/1.0",method="GET",status="200"}"#] == 3)
        #expect(
            samples[#"berth_http_requests_total{route="/1.0/operations/{id}",method="GET",status="404"}"#] == 2)
        #expect(samples[#"berth_http_requests_total{route="unmatched",method="GET",status="404"}"#] == 1)
        // Methods outside the standard ones are folded: a client cannot grow the label set.
        #expect(samples[#"berth_http_requests_total{route="/1.0",method="other",status="501"}"#] == 1)
        #expect(samples[#"berth_http_request_duration_seconds_count{route="/1.0",method="GET"}"#] == 3)
        #expect(
            samples[#"berth_http_request_duration_seconds_bucket{route="/1.0",method="GET",le="+Inf"}"#] == 3)
        #expect(!response.text.contains("00000000-0000"), "a raw path leaked into a label")
        // The scrape itself is counted once it has answered, so it is not in its own body.
        #expect(samples[#"berth_http_requests_total{route="/1.0/metrics",method="GET",status="200"}"#] == nil)
        #expect(
            Self.samples(await harness.send(.get, "/1.0/metrics").text)[
                #"berth_http_requests_total{route="/1.0/metrics",method="GET",status="200"}"#] == 1)
    }

    @Test func queueAndEventGaugesAreReported() async throws {
        let harness = try APITestHarness()
        let subscription = harness.context.events.subscribe(types: [.operation], project: nil)
        let samples = Self.samples(await harness.send(.get, "/1.0/metrics").text)
        #expect(samples["berth_operations_queued"] == 0)
        #expect(samples["berth_operations_running"] == 0)
        #expect(samples["berth_queue_oldest_age_seconds"] == 0)
        #expect(samples["berth_event_subscribers"] == 1)
        #expect(samples["berth_event_slow_consumers_dropped_total"] == 0)
        #expect(samples["berth_http_connections_open"] == 0)
        _ = subscription
    }

    @Test func untrustedCallersAreRefused() async throws {
        let harness = try APITestHarness()
        #expect(await harness.send(.get, "/1.0/metrics", transport: .tcp).status == 403)
        #expect(await harness.send(.get, "/1.0/resources", transport: .tcp).status == 403)
    }
}
