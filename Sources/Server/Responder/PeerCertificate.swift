/// A TLS client's certificate as it arrived in the handshake.
public struct PeerCertificate: Sendable, Equatable {
    /// Lowercase hex SHA-256 of the DER encoding: LXD's certificate fingerprint.
    public let fingerprint: String
    /// The certificate, DER-encoded.
    public let der: [UInt8]

    public init(fingerprint: String, der: [UInt8]) {
        self.fingerprint = fingerprint
        self.der = der
    }
}
