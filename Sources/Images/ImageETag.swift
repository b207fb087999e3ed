import JSON

/// LXD's ETags for images and aliases (`util.EtagHash`): the hex SHA-256 of what Go's
/// `json.Encoder` writes for the value, which ends in a newline. LXD 5.0 hashes
/// `[public, auto_update, properties]` for an image and the served `ImageAliasesEntry` for an
/// alias; the vectors in the tests come from real LXD responses.
public enum ImageETag {
    public static func hash(_ value: JSONValue) -> String {
        var digest = SHA256Digest()
        let bytes = value.encoded + [UInt8(ascii: "\n")]
        bytes.withUnsafeBytes { digest.update($0) }
        return digest.hex()
    }
}
