import Testing

@testable import Observability

@Suite struct MetricsTextTests {
    @Test func familiesStartWithHelpAndType() {
        var text = MetricsText()
        text.family("berth_operations_queued", .gauge, help: "Jobs waiting.")
        text.sample("berth_operations_queued", 3)
        #expect(
            text.text
                == "# HELP berth_operations_queued Jobs waiting.\n# TYPE berth_operations_queued gauge\nberth_operations_queued 3\n"
        )
    }

    @Test(arguments: [
        ("plain", "plain"), ("a\\b", "a\\\\b"), ("say \"hi\"", "say \\\"hi\\\""), ("two\nlines", "two\\nlines"),
        ("\\\"\n", "\\\\\\\"\\n"), ("tab\tstays", "tab\tstays"), ("ünïcode", "ünïcode"),
    ])
    func labelValuesAreEscaped(raw: String, escaped: String) {
        #expect(MetricsText.escapeLabelValue(raw) == escaped)
        var text = MetricsText()
        text.sample("m", [("name", raw)], 1)
        #expect(text.text == "m{name=\"\(escaped)\"} 1\n")
    }

    @Test func helpEscapesBackslashAndNewlineButNotQuotes() {
        #expect(MetricsText.escapeHelp("a \"b\" c\\d\ne") == "a \"b\" c\\\\d\\ne")
    }

    @Test func labelsKeepTheirOrder() {
        var text = MetricsText()
        text.sample("berth_http_requests_total", [("route", "/1.0"), ("method", "GET"), ("status", "200")], 7)
        #expect(text.text == "berth_http_requests_total{route=\"/1.0\",method=\"GET\",status=\"200\"} 7\n")
    }

    @Test(arguments: [
        (0.0, "0"), (5.0, "5"), (-2.0, "-2"), (0.25, "0.25"), (0.001, "0.001"), (1e-05, "1e-05"),
        (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"), (1e20, "1e+20"),
    ])
    func valuesAreFormattedAsTheFormatReadsThem(value: Double, formatted: String) {
        #expect(MetricsText.format(value) == formatted)
    }

    @Test func histogramsWriteCumulativeBucketsThenInfSumAndCount() {
        let histogram = Histogram(bounds: [0.1, 1, 10])
        histogram.observe(nanoseconds: 50_000_000)  // 0.05 s
        histogram.observe(nanoseconds: 100_000_000)  // exactly on 0.1: le is inclusive
        histogram.observe(nanoseconds: 2_000_000_000)
        histogram.observe(nanoseconds: 60_000_000_000)  // beyond every bound: only +Inf
        var text = MetricsText()
        text.histogram("d", [("type", "t")], histogram.snapshot)
        #expect(
            text.text == """
                d_bucket{type="t",le="0.1"} 2
                d_bucket{type="t",le="1"} 2
                d_bucket{type="t",le="10"} 3
                d_bucket{type="t",le="+Inf"} 4
                d_sum{type="t"} 62.15
                d_count{type="t"} 4

                """)
    }

    @Test func anEmptyHistogramStillHasItsInfBucket() {
        var text = MetricsText()
        text.histogram("d", [], Histogram(bounds: [1]).snapshot)
        #expect(text.text == "d_bucket{le=\"1\"} 0\nd_bucket{le=\"+Inf\"} 0\nd_sum 0\nd_count 0\n")
    }

    @Test func concurrentObservationsAreAllCounted() async {
        let histogram = Histogram()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<1000 { histogram.observe(nanoseconds: 2_000_000) } }
            }
        }
        let snapshot = histogram.snapshot
        #expect(snapshot.count == 8000)
        #expect(snapshot.cumulativeCounts[0] == 0)
        #expect(snapshot.cumulativeCounts[1] == 8000)
        #expect(snapshot.sum == 16)
    }
}
