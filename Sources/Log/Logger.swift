#if canImport(Glibc)
    import Glibc
#endif

/// A structured logger writing one line per event, logfmt (`time=… level=info msg="…" key=value`) or
/// JSON (`{"time":"…","level":"info","msg":"…","key":"value"}`).
///
/// Value type: `with(_:)` returns a logger that adds fields to every line. The fields of the task's
/// `LogContext` (`request_id`, `operation`) come first, so a line can be traced to its request or
/// operation whichever logger wrote it; a key the call passes itself wins over the context's.
public struct Logger: Sendable {
    public var level: LogLevel
    public var format: LogFormat
    private let sink: LogSink
    private var fields: [(String, String)]

    public init(level: LogLevel = .info, format: LogFormat = .logfmt, sink: LogSink = .standardError) {
        self.level = level
        self.format = format
        self.sink = sink
        fields = []
    }

    /// A logger that adds `extra` to every line it writes.
    public func with(_ extra: KeyValuePairs<String, String>) -> Logger {
        var copy = self
        copy.fields.append(contentsOf: extra.map { ($0.key, $0.value) })
        return copy
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    public func debug(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.debug, message(), extra)
    }

    public func info(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.info, message(), extra)
    }

    public func warn(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.warn, message(), extra)
    }

    public func error(_ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String> = [:]) {
        log(.error, message(), extra)
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ extra: KeyValuePairs<String, String>) {
        guard isEnabled(level) else { return }
        sink.emit(line(level, message(), extra, context: LogContext.current, time: Logger.timestamp()))
    }

    /// The formatted line: time, level, message, then the context's fields, the logger's, the call's.
    func line(
        _ level: LogLevel, _ message: String, _ extra: KeyValuePairs<String, String>, context: LogContext,
        time: String
    ) -> String {
        let quote: (String) -> String
        var line: String
        switch format {
        case .logfmt:
            quote = Logfmt.quote
            line = "time=\(time) level=\(level) msg=\(quote(message))"
        case .json:
            quote = LogJSON.quote
            line = #"{"time":"\#(time)","level":"\#(level)","msg":"# + quote(message)
        }
        func append(_ key: String, _ value: String) {
            switch format {
            case .logfmt: line += " \(key)=\(quote(value))"
            case .json: line += "," + quote(key) + ":" + quote(value)
            }
        }
        for field in context.fields
        where !fields.contains(where: { $0.0 == field.key }) && !extra.contains(where: { $0.key == field.key }) {
            append(field.key, field.value)
        }
        for (key, value) in fields { append(key, value) }
        for (key, value) in extra { append(key, value) }
        if format == .json { line += "}" }
        return line
    }

    /// RFC 3339 UTC with milliseconds, without Foundation's formatter cost.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}
