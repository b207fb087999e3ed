import Images
import JSON

/// LXD's ETag: hex SHA-256 of the JSON encoding of the value the resource's config is compared by
/// (`util.EtagHash`). Sent quoted in the `ETag` header.
public enum ETag {
    public static func of(_ value: JSONValue) -> String { sha256Hex(value.encoded) }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { SHA256Digest.hex(of: bytes) }
}
