import COpenSSL

/// A certificate and its private key, as PEM (LXD's `server.crt` and `server.key`). Checked when
/// made: the key is the certificate's, so a mismatched pair fails at start, not at the first handshake.
public struct TLSIdentity: Sendable, Equatable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    /// The certificate, DER-encoded.
    public let certificateDER: [UInt8]
    /// Lowercase hex SHA-256 of the DER: what `lxc remote add` shows and pins.
    public let fingerprint: String

    public init(certificatePEM: String, privateKeyPEM: String) throws(TLSError) {
        let certificate = try Self.parseCertificate(certificatePEM)
        defer { X509_free(certificate) }
        let key = try Self.parsePrivateKey(privateKeyPEM)
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(certificate, key) == 1 else {
            throw TLSError.openSSL("the private key does not belong to the certificate")
        }
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        certificateDER = Self.der(of: certificate)
        fingerprint = TLSFingerprint.sha256Hex(certificateDER)
    }

    /// The caller frees the result with `X509_free`.
    static func parseCertificate(_ pem: String) throws(TLSError) -> OpaquePointer {
        let parsed = withMemoryBIO(pem) { PEM_read_bio_X509($0, nil, nil, nil) }
        guard let parsed else { throw TLSError.openSSL("read the PEM certificate") }
        return parsed
    }

    /// The caller frees the result with `EVP_PKEY_free`.
    static func parsePrivateKey(_ pem: String) throws(TLSError) -> OpaquePointer {
        let parsed = withMemoryBIO(pem) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        guard let parsed else { throw TLSError.openSSL("read the PEM private key") }
        return parsed
    }

    static func der(of certificate: OpaquePointer) -> [UInt8] {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509(certificate, &cursor)
        }
        return bytes
    }

    private static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) -> T?) -> T? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw -> T? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}
