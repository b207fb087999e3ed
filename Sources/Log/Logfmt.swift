/// logfmt value quoting: bare when the value is a plain token, otherwise a double-quoted string
/// with `"`, `\` and control characters escaped, so every event stays on one line.
public enum Logfmt {
    public static func quote(_ value: String) -> String {
        if !value.isEmpty && value.utf8.allSatisfy(isBare) { return value }
        return LogQuoting.quoted(value) { $0.value == 0x7F }
    }

    private static func isBare(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "=")
            && byte != UInt8(ascii: "\\")
    }
}
