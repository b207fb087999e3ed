import Synchronization
import Testing

@testable import Log

@Suite struct LoggerTests {
    final class Lines: Sendable {
        let captured = Mutex<[String]>([])
        var all: [String] { captured.withLock { $0 } }
        var sink: LogSink { LogSink { line in self.captured.withLock { $0.append(line) } } }
    }

    @Test func writesOneLogfmtLinePerEventWithFields() {
        let lines = Lines()
        let logger = Logger(level: .info, sink: lines.sink).with(["request_id": "7"])
        logger.info("berthd ready", ["state_dir": "/var/lib/berth"])
        #expect(lines.all.count == 1)
        let line = lines.all[0]
        #expect(line.hasPrefix("time="))
        #expect(line.hasSuffix(#" level=info msg="berthd ready" request_id=7 state_dir=/var/lib/berth"#))
    }

    @Test func dropsLinesBelowTheLevel() {
        let lines = Lines()
        let logger = Logger(level: .warn, sink: lines.sink)
        logger.debug("a")
        logger.info("b")
        logger.warn("c")
        logger.error("d")
        #expect(lines.all.count == 2)
    }

    @Test(arguments: [
        ("plain", "plain"), ("", "\"\""), ("two words", "\"two words\""), ("a=b", "\"a=b\""),
        ("q\"uote", #""q\"uote""#), ("line\nbreak", #""line\nbreak""#), ("\u{1}", #""\u0001""#),
    ])
    func quotesValuesSoEveryEventStaysOnOneLine(value: String, expected: String) {
        #expect(Logfmt.quote(value) == expected)
    }

    @Test func parsesLevelNames() {
        #expect(LogLevel(name: "DEBUG") == .debug)
        #expect(LogLevel(name: "warning") == .warn)
        #expect(LogLevel(name: "verbose") == nil)
    }
}
