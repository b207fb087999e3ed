extension JSONValue {
    /// Compact UTF-8 JSON (RFC 8259), as Go's `json.Marshal` writes it.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        encode(into: &bytes)
        return bytes
    }

    public func encode(into bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: JSONValue.nullBytes)
        case .bool(let value): bytes.append(contentsOf: value ? JSONValue.trueBytes : JSONValue.falseBytes)
        case .int(let value): bytes.append(contentsOf: String(value).utf8)
        case .double(let value):
            if value.isFinite {
                // Integral and small, tested by truncation rather than `rounded()`, which would need libm.
                if abs(value) < 1e15, Double(Int64(value)) == value {
                    bytes.append(contentsOf: String(Int64(value)).utf8)
                } else {
                    bytes.append(contentsOf: String(value).utf8)
                }
            } else {
                bytes.append(contentsOf: JSONValue.nullBytes)  // JSON has no NaN/Infinity.
            }
        case .string(let value): JSONString.write(value, into: &bytes)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                value.encode(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONString.write(member.0, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.1.encode(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
}
