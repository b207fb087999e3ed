/// How a `Logger` writes a line: logfmt for people and `grep`, JSON for log shippers (journald's
/// JSON exporters, Loki, Elasticsearch) that would otherwise have to parse logfmt.
public enum LogFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `time=… level=info msg="…" key=value` (the default).
    case logfmt
    /// One JSON object per line: `{"time":"…","level":"info","msg":"…","key":"value"}`.
    case json

    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    public var description: String { rawValue }
}
