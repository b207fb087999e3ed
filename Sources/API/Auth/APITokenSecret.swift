import COpenSSL

/// The API token string, `berth_<id>_<secret>` (Proxmox's `user@realm!id=secret` idea, in one word
/// that survives shells and headers): `id` finds the stored row, `secret` is compared through its
/// hash. The secret is shown once, when the token is made.
public struct APITokenSecret: Sendable, Equatable {
    public let id: String
    public let secret: String

    public var token: String { "berth_\(id)_\(secret)" }

    /// A new token: 12 random hex characters of id, 64 of secret (256 bits).
    public static func make() -> APITokenSecret {
        APITokenSecret(id: randomHex(bytes: 6), secret: randomHex(bytes: 32))
    }

    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses a presented token; nil unless it has the exact shape Berth issues.
    public init?(parsing token: String) {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "berth", Self.isHex(parts[1], count: 12), Self.isHex(parts[2], count: 64)
        else { return nil }
        self.init(id: String(parts[1]), secret: String(parts[2]))
    }

    /// What the store keeps.
    public var secretHash: String { ETag.sha256Hex(Array(secret.utf8)) }

    /// Whether `secret` hashes to `storedHash`, in time independent of where they differ.
    public func matches(storedHash: String) -> Bool {
        Self.constantTimeEquals(Array(secretHash.utf8), Array(storedHash.utf8))
    }

    /// Compares every byte whatever the first difference, so timing tells nothing about the secret.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// Lower-case hex of `bytes` bytes from OpenSSL's CSPRNG.
    static func randomHex(bytes count: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        // RAND_bytes only fails when the system has no entropy source, which nothing here can fix.
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("RAND_bytes failed: no entropy source") }
        return bytes.map { String($0 >> 4, radix: 16) + String($0 & 0xF, radix: 16) }.joined()
    }

    private static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
