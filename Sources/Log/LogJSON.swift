/// JSON string quoting for `--log-format json` (RFC 8259 §7): `"`, `\` and control characters
/// escaped, and U+2028/U+2029 too, as Go's encoder does, so a line is also safe to embed in
/// JavaScript. A Swift `String` is always valid Unicode, so no other input needs care.
public enum LogJSON {
    public static func quote(_ value: String) -> String {
        LogQuoting.quoted(value) { $0.value == 0x2028 || $0.value == 0x2029 }
    }
}
