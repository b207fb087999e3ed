import JSON

/// A driver's progress report. Rendered as LXD does (§2.5 of the contract): `<stage>_progress` text
/// and a `progress` map of strings, with a percentage only when the total is known.
public struct Progress: Sendable, Equatable {
    public var stage: String
    public var processed: Int64
    public var total: Int64?
    /// Bytes (or units) per second.
    public var speed: Int64

    public init(stage: String, processed: Int64, total: Int64? = nil, speed: Int64 = 0) {
        self.stage = stage
        self.processed = processed
        self.total = total
        self.speed = speed
    }

    public var percent: Int? {
        guard let total, total > 0 else { return nil }
        return Int(min(100, max(0, processed * 100 / total)))
    }

    /// `Unpack: 45% (120.50MB/s)` with a total, `Unpack: 1.20GB (110.00MB/s)` without.
    public var text: String {
        let label = stage.split(separator: "_").last.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? stage
        let rate = "(\(Progress.bytes(speed))/s)"
        if let percent { return "\(label): \(percent)% \(rate)" }
        return "\(label): \(Progress.bytes(processed)) \(rate)"
    }

    /// Writes both forms into an operation's metadata, replacing any earlier `*_progress` key so
    /// exactly one is present (the CLI prints the first it finds).
    public func apply(to metadata: inout JSONValue) {
        if case .object(let members) = metadata {
            metadata = .object(members.filter { !$0.0.hasSuffix("_progress") || $0.0 == "\(stage)_progress" })
        }
        var map: [(String, JSONValue)] = [("stage", .string(stage))]
        if let percent { map.append(("percent", .string(String(percent)))) }
        if processed > 0 { map.append(("processed", .string(String(processed)))) }
        if let total { map.append(("total", .string(String(total)))) }
        map.append(("speed", .string(String(speed))))
        metadata.set("\(stage)_progress", .string(text))
        metadata.set("progress", .object(map))
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let hundredths = Int((value * 100).rounded())
        let fraction = String(hundredths % 100)
        return "\(hundredths / 100).\(fraction.count == 1 ? "0" + fraction : fraction)\(units[unit])"
    }
}
