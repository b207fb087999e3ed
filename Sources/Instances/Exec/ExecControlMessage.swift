import JSON

/// A message on the `control` websocket, as the `lxc` client sends it:
/// `{"command":"window-resize","args":{"width":"120","height":"40"},"signal":0}` (sizes are strings)
/// and `{"command":"signal","args":null,"signal":2}`.
public enum ExecControlMessage: Sendable, Equatable {
    case resize(columns: UInt16, rows: UInt16)
    case signal(Int32)

    /// Nil for anything else; LXD ignores unknown commands too.
    public init?(json text: String) {
        guard let value = try? JSONValue.parse(Array(text.utf8)) else { return nil }
        switch value["command"]?.stringValue {
        case "window-resize":
            let args = value["args"]
            guard let columns = Self.number(args?["width"]), let rows = Self.number(args?["height"]),
                columns > 0, rows > 0
            else { return nil }
            self = .resize(columns: columns, rows: rows)
        case "signal":
            guard let signal = value["signal"]?.intValue, signal > 0, signal < 65 else { return nil }
            self = .signal(Int32(signal))
        default:
            return nil
        }
    }

    /// A size as a string (the CLI) or a number (other clients).
    private static func number(_ value: JSONValue?) -> UInt16? {
        if let text = value?.stringValue { return UInt16(text) }
        return value?.intValue.flatMap { UInt16(exactly: $0) }
    }
}
