#if canImport(Glibc)
    import Glibc
#endif

/// A structured logger writing one logfmt line per event (`time=… level=info msg="…" key=value`).
/// Value type: `with(_:)` returns a logger that adds fields (request id, operation id) to every line.
public struct Logger: Sendable {
    public var level: LogLevel
    private let sink: LogSink
    private var fields: [(String, String)]

    public init(level: LogLevel = .info, sink: LogSink = .standardError) {
        self.level = level
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
        var line = "time=\(Logger.timestamp()) level=\(level) msg=\(Logfmt.quote(message()))"
        for (key, value) in fields { line += " \(key)=\(Logfmt.quote(value))" }
        for (key, value) in extra { line += " \(key)=\(Logfmt.quote(value))" }
        sink.emit(line)
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
