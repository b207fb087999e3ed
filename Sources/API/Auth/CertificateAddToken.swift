import Foundation

/// The trust token `lxc config trust add` prints and `lxc remote add <token>` reads: base64 (standard
/// alphabet, padded) of this JSON (LXD's `api.CertificateAddToken` and `shared.CertificateTokenDecode`).
public struct CertificateAddToken: Codable, Sendable, Equatable {
    public var clientName: String
    /// The server certificate's fingerprint, so the client trusts the right server on first contact.
    public var fingerprint: String
    /// Where the server listens (`host:port`); the client tries them in order.
    public var addresses: [String]
    public var secret: String
    /// RFC 3339; Go's zero time when the token does not expire.
    public var expiresAt: String

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name"
        case fingerprint, addresses, secret
        case expiresAt = "expires_at"
    }

    public init(clientName: String, fingerprint: String, addresses: [String], secret: String, expiresAt: String) {
        self.clientName = clientName
        self.fingerprint = fingerprint
        self.addresses = addresses
        self.secret = secret
        self.expiresAt = expiresAt
    }

    /// Decodes a token with LXD's checks (every field present and non-empty); nil for anything
    /// else, which LXD then tries as a trust password.
    public init?(encoded: String) {
        guard let data = Data(base64Encoded: encoded),
            let token = try? JSONDecoder().decode(CertificateAddToken.self, from: data),
            !token.clientName.isEmpty, !token.addresses.isEmpty, !token.secret.isEmpty, !token.fingerprint.isEmpty
        else { return nil }
        self = token
    }

    public var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)) ?? Data()).base64EncodedString()
    }
}
