/// LXD 5.0's instance name rules (`lxd/instance/instance_utils.go` `ValidName`, which make every
/// name a valid hostname), checked before anything is queued.
public enum InstanceName {
    /// Nil when `name` is valid; otherwise LXD's message, e.g.
    /// `Invalid instance name "-a": Name must not start with "-" character`.
    public static func problem(_ name: String) -> String? {
        guard let reason = reason(name) else { return nil }
        return "Invalid instance name \"\(name)\": \(reason)"
    }

    private static func reason(_ name: String) -> String? {
        if name.contains("/") { return "Cannot contain slashes" }
        let bytes = Array(name.utf8)
        if bytes.isEmpty || bytes.count > 63 { return "Name must be 1-63 characters long" }
        if bytes.first == UInt8(ascii: "-") { return "Name must not start with \"-\" character" }
        if bytes.last == UInt8(ascii: "-") { return "Name must not end with \"-\" character" }
        if let first = bytes.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            return "Name must not start with a number"
        }
        let allowed = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
        return allowed ? nil : "Name can only contain alphanumeric and hyphen characters"
    }
}
