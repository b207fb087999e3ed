import COpenSSL
import Foundation

/// A client certificate offered to the trust store, parsed and checked with OpenSSL: LXD's
/// `x509.ParseCertificate` and `certificateValidate` (valid now, RSA keys of 2048 bits or more).
public struct X509Certificate: Sendable, Equatable {
    /// DER encoding: what the fingerprint is taken over.
    public let der: [UInt8]
    /// Lower-case hex SHA-256 of `der`, LXD's certificate fingerprint.
    public let fingerprint: String
    /// The subject's common name; LXD names a certificate after it when the request has no name.
    public let commonName: String
    let notYetValid: Bool
    let expired: Bool
    let weakRSAKeyBits: Int?

    /// Parses DER (as `certificate` in `POST /1.0/certificates`, after base64) or PEM (as in `PUT`).
    public init(der: [UInt8]) throws(APIError) {
        var pointer: UnsafePointer<UInt8>? = nil
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            pointer = buffer.baseAddress
            return d2i_X509(nil, &pointer, buffer.count)
        }
        guard let certificate = parsed else {
            throw APIError.badRequest("Invalid certificate material: \(Self.lastOpenSSLError())")
        }
        defer { X509_free(certificate) }
        try self.init(certificate)
    }

    public init(pem: String) throws(APIError) {
        let bytes = Array(pem.utf8)
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let certificate = parsed else {
            throw APIError.badRequest("Invalid certificate material: \(Self.lastOpenSSLError())")
        }
        defer { X509_free(certificate) }
        try self.init(certificate)
    }

    private init(_ certificate: OpaquePointer) throws(APIError) {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { throw APIError.badRequest("Invalid certificate material: cannot encode") }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var out = buffer.baseAddress
            _ = i2d_X509(certificate, &out)
        }
        self.der = der
        fingerprint = ETag.sha256Hex(der)
        var name = [CChar](repeating: 0, count: 256)
        let count = X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, &name, 256)
        commonName =
            count > 0 ? String(decoding: name.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        // X509_cmp_current_time: -1 when the time is before now, 1 after, 0 when it cannot tell.
        notYetValid = X509_cmp_current_time(X509_get0_notBefore(certificate)) >= 0
        expired = X509_cmp_current_time(X509_get0_notAfter(certificate)) <= 0
        if let key = X509_get0_pubkey(certificate), EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA,
            EVP_PKEY_get_bits(key) < 2048
        {
            weakRSAKeyBits = Int(EVP_PKEY_get_bits(key))
        } else {
            weakRSAKeyBits = nil
        }
    }

    /// LXD's `certificateValidate`, with its messages.
    public func validate() throws(APIError) {
        if notYetValid { throw APIError.badRequest("The provided certificate isn't valid yet") }
        if expired { throw APIError.badRequest("The provided certificate is expired") }
        if weakRSAKeyBits != nil { throw APIError.badRequest("RSA key is too weak (minimum of 2048bit)") }
    }

    /// PEM as LXD stores and serves it (`pem.EncodeToMemory`: 64-character lines).
    public var pem: String {
        let base64 = Data(der).base64EncodedString()
        var lines: [Substring] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(rest.prefix(64))
            rest = rest.dropFirst(64)
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }

    private static func lastOpenSSLError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "not a certificate" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
