import COpenSSL

/// An incremental SHA-256 (an image's fingerprint is the digest of its file), over OpenSSL's EVP.
/// Also what ETags and idempotency hashes are made of.
public struct SHA256Digest: ~Copyable {
    private let context: OpaquePointer

    /// Lower-case hex SHA-256 of `bytes`.
    public static func hex(of bytes: [UInt8]) -> String {
        var digest = SHA256Digest()
        bytes.withUnsafeBytes { digest.update($0) }
        return digest.hex()
    }

    public init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        _ = EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
    }

    /// Lower-case hex, as LXD shows fingerprints.
    public consuming func hex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        let alphabet = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(alphabet[Int(byte >> 4)])
            text.append(alphabet[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
