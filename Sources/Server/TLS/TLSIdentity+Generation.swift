import COpenSSL

extension TLSIdentity {
    /// What a generated certificate is for; it decides the extended key usage, as LXD's
    /// `GenerateMemCert(client bool)` does.
    public enum Purpose: Sendable {
        case server
        case client
    }

    /// Makes a new self-signed identity as LXD does for `server.crt`: an EC P-384 key, a random
    /// 128-bit serial, SHA-384 signature, valid from now for `validityDays` (ten years by default),
    /// with the host's names as subject alternative names so that hostname-checking clients (curl,
    /// python) can be pointed at it with `--cacert` instead of `-k`.
    public static func generateSelfSigned(
        commonName: String, organization: String = "berth", dnsNames: [String] = [], ipAddresses: [String] = [],
        purpose: Purpose = .server, validityDays: Int = 3650
    ) throws(TLSError) -> TLSIdentity {
        guard let key = copenssl_ec_keygen("secp384r1") else { throw TLSError.openSSL("generate an EC P-384 key") }
        defer { EVP_PKEY_free(key) }
        guard let certificate = X509_new() else { throw TLSError.openSSL("allocate a certificate") }
        defer { X509_free(certificate) }

        guard X509_set_version(certificate, 2) == 1 else { throw TLSError.openSSL("set the certificate version") }
        try setRandomSerial(certificate)
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), 0) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), validityDays * 86_400) != nil
        else { throw TLSError.openSSL("set the validity period") }

        let name = X509_get_subject_name(certificate)
        for (field, value) in [("O", organization), ("CN", commonName)] {
            let bytes = Array(value.utf8)
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1 else {
                throw TLSError.openSSL("set the subject \(field)")
            }
        }
        guard X509_set_issuer_name(certificate, name) == 1, X509_set_pubkey(certificate, key) == 1 else {
            throw TLSError.openSSL("set the issuer and public key")
        }

        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, purpose == .server ? "serverAuth" : "clientAuth"),
            (NID_subject_key_identifier, "hash"),
        ]
        let alternativeNames = dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }
        if !alternativeNames.isEmpty {
            extensions.append((NID_subject_alt_name, alternativeNames.joined(separator: ",")))
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let created = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw TLSError.openSSL("make the certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(created) }
            guard X509_add_ext(certificate, created, -1) == 1 else {
                throw TLSError.openSSL("add the certificate extension \(value)")
            }
        }
        guard X509_sign(certificate, key, EVP_sha384()) > 0 else { throw TLSError.openSSL("sign the certificate") }

        let certificatePEM = try pem("write the certificate") { PEM_write_bio_X509($0, certificate) }
        let keyPEM = try pem("write the private key") { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return try TLSIdentity(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
    }

    /// RFC 5280 §4.1.2.2: positive, at most 20 octets, unique per issuer; 127 random bits are.
    private static func setRandomSerial(_ certificate: OpaquePointer) throws(TLSError) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw TLSError.openSSL("draw a random serial") }
        bytes[0] &= 0x7F
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw TLSError.openSSL("make the serial number")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw TLSError.openSSL("set the serial number")
        }
    }

    private static func pem(_ operation: String, _ write: (OpaquePointer) -> Int32) throws(TLSError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.openSSL(operation) }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw TLSError.openSSL(operation) }
        var bytes = [UInt8](repeating: 0, count: Int(copenssl_bio_pending(bio)))
        let count = BIO_read(bio, &bytes, Int32(bytes.count))
        guard count == bytes.count else { throw TLSError.openSSL(operation) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
