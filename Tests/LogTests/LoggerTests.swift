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

    @Test func writesJSONObjectsWithTimeLevelMessageThenFieldsInOrder() throws {
        let lines = Lines()
        let logger = Logger(level: .info, format: .json, sink: lines.sink).with(["instance": "c1"])
        logger.warn("say \"hi\"\n", ["error": "x\\y", "b": "2"])
        let line = try #require(lines.all.first)
        #expect(line.hasPrefix(#"{"time":""#))
        #expect(line.hasSuffix(#"","level":"warn","msg":"say \"hi\"\n","instance":"c1","error":"x\\y","b":"2"}"#))
        #expect(!line.contains("\n"))
        let time = line.dropFirst(#"{"time":""#.count).prefix(while: { $0 != "\"" })
        #expect(time.count == 24 && time.hasSuffix("Z"))  // 2026-11-22T10:00:00.000Z
    }

    @Test func contextFieldsComeFirstOnEveryLineInBothFormats() {
        let context = LogContext().adding("request_id", "9").adding("operation", "op-1")
        for format in LogFormat.allCases {
            let logger = Logger(format: format).with(["driver": "lxc"])
            let line = logger.line(.info, "started", ["step": "boot"], context: context, time: "T")
            switch format {
            case .logfmt:
                #expect(line == "time=T level=info msg=started request_id=9 operation=op-1 driver=lxc step=boot")
            case .json:
                #expect(
                    line
                        == #"{"time":"T","level":"info","msg":"started","request_id":"9","operation":"op-1","#
                        + #""driver":"lxc","step":"boot"}"#)
            }
        }
    }

    @Test func aKeyPassedByTheCallIsWrittenOnceAndWinsOverTheContext() {
        let context = LogContext().adding("operation", "from-context").adding("request_id", "3")
        let line = Logger().line(.error, "failed", ["operation": "explicit"], context: context, time: "T")
        #expect(line == "time=T level=error msg=failed request_id=3 operation=explicit")
    }

    @Test func linesWrittenInsideATaskScopeCarryItsContext() async {
        let lines = Lines()
        let logger = Logger(level: .info, sink: lines.sink)
        logger.info("outside")
        await LogContext.$current.withValue(LogContext().adding("request_id", "12")) {
            await Task { logger.info("in a task") }.value
            LogContext.$current.withValue(LogContext().adding("operation", "op")) {
                logger.info("in an operation")
            }
        }
        #expect(
            lines.all.map { $0.split(separator: " ", maxSplits: 1)[1] } == [
                "level=info msg=outside",
                "level=info msg=\"in a task\" request_id=12",
                "level=info msg=\"in an operation\" operation=op",
            ])
    }

    @Test func parsesFormatNames() {
        #expect(LogFormat(name: "JSON") == .json)
        #expect(LogFormat(name: "logfmt") == .logfmt)
        #expect(LogFormat(name: "text") == nil)
    }
}
