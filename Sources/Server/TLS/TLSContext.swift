import COpenSSL

/// The server side of TLS for `.tls` listeners: one OpenSSL `SSL_CTX` with the identity and the
/// policy LXD's HTTPS listener has, shared by every loop.
///
/// Policy: TLS 1.2 at least; for 1.2 only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305
/// (OpenSSL's TLS 1.3 suites are all of that kind already); no compression (CRIME), no
/// renegotiation; a client certificate is requested but not required, and any well-formed one is
/// accepted: whether it is trusted is the API's decision, by fingerprint against its trust store,
/// as in LXD (`tls.RequestClientCert`). No session resumption: `lxc` and pylxd do not resume, and
/// tickets would cost every handshake an encryption and two messages.
public final class TLSContext: Sendable {
    /// OpenSSL documents an `SSL_CTX` as safe to share between threads once configured: `SSL_new`
    /// only reads it and counts references atomically. It is never changed after `init`.
    nonisolated(unsafe) let context: OpaquePointer
    public let identity: TLSIdentity

    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    public init(identity: TLSIdentity) throws(TLSError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError.openSSL("create the TLS context") }
        self.context = context
        self.identity = identity
        guard copenssl_ctx_set_min_proto_version(context, TLS1_2_VERSION) == 1,
            SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1
        else { throw TLSError.openSSL("set the TLS versions and ciphers") }
        _ = SSL_CTX_set_options(
            context,
            copenssl_op_no_compression() | copenssl_op_no_renegotiation() | copenssl_op_no_ticket()
                | copenssl_op_cipher_server_preference())
        // Partial writes: the loop writes what the socket takes and keeps the rest; the buffer may
        // move between retries because the connection's output array grows and is compacted.
        _ = copenssl_ctx_set_mode(
            context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        _ = copenssl_ctx_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
        _ = SSL_CTX_set_num_tickets(context, 0)
        // Read ahead: one read(2) takes every record the peer has sent, not a header then a body.
        copenssl_ctx_set_read_ahead(context, 1)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER) { _, _ in 1 }

        let certificate = try TLSIdentity.parseCertificate(identity.certificatePEM)
        defer { X509_free(certificate) }
        let key = try TLSIdentity.parsePrivateKey(identity.privateKeyPEM)
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_certificate(context, certificate) == 1, SSL_CTX_use_PrivateKey(context, key) == 1,
            SSL_CTX_check_private_key(context) == 1
        else { throw TLSError.openSSL("load the server certificate and key") }
    }

    deinit { SSL_CTX_free(context) }

    /// A server-side session on the accepted socket `fd`, or nil when OpenSSL cannot allocate one.
    func makeConnection(fd: Int32) -> TLSConnection? {
        guard let ssl = SSL_new(context) else {
            _ = TLSError.drainErrorQueue()
            return nil
        }
        guard SSL_set_fd(ssl, fd) == 1 else {
            _ = TLSError.drainErrorQueue()
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        return TLSConnection(ssl: ssl)
    }
}
