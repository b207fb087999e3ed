/// Prometheus text exposition format 0.0.4, written family by family: `# HELP`, `# TYPE`, then the
/// samples. Pure value code: no clock, no I/O.
///
/// Metric and label names are the caller's constants and are not checked; label values and help
/// texts come from users (instance names, routes) and are escaped as the format requires.
public struct MetricsText: Sendable {
    public static let contentType = "text/plain; version=0.0.4"

    public private(set) var text = ""

    public init() {}

    public var bytes: [UInt8] { Array(text.utf8) }

    /// Starts a family; its samples follow.
    public mutating func family(_ name: String, _ type: MetricType, help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type.rawValue)\n"
    }

    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Int) {
        line(name, labels, String(value))
    }

    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        line(name, labels, Self.format(value))
    }

    /// A sample without labels.
    public mutating func sample(_ name: String, _ value: Int) { line(name, [], String(value)) }

    /// A sample without labels.
    public mutating func sample(_ name: String, _ value: Double) { line(name, [], Self.format(value)) }

    /// The `_bucket` series (cumulative, ending with `le="+Inf"`), then `_sum` and `_count`.
    public mutating func histogram(_ name: String, _ labels: [(String, String)], _ snapshot: HistogramSnapshot) {
        for (bound, count) in zip(snapshot.bounds, snapshot.cumulativeCounts) {
            line(name + "_bucket", labels + [("le", Self.format(bound))], String(count))
        }
        line(name + "_bucket", labels + [("le", "+Inf")], String(snapshot.count))
        line(name + "_sum", labels, Self.format(snapshot.sum))
        line(name + "_count", labels, String(snapshot.count))
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { text += "," }
                text += label + "=\"" + Self.escapeLabelValue(labelValue) + "\""
            }
            text += "}"
        }
        text += " " + value + "\n"
    }

    /// Label values escape backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Help texts escape backslash and line feed only.
    public static func escapeHelp(_ help: String) -> String {
        var escaped = ""
        for character in help {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Whole numbers without a fraction (`5`, not `5.0`); the infinities and NaN as the format
    /// spells them; anything else in Swift's shortest round-tripping form, which Go parses.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
