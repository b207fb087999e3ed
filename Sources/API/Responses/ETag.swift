import COpenSSL
import JSON

/// LXD's ETag: hex SHA-256 of the JSON encoding of the value the resource's config is compared by
/// (`util.EtagHash`). Sent quoted in the `ETag` header.
public enum ETag {
    public static func of(_ value: JSONValue) -> String { sha256Hex(value.encoded) }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            _ = SHA256(input.baseAddress, input.count, &digest)
        }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
