import COpenSSL

/// One server-side TLS session on a non-blocking socket, driven by its connection's event loop:
/// every call returns at once, and "would block" comes back as which readiness (read or write) the
/// loop must wait for. Owned by one `Connection` and used only on its loop's thread.
final class TLSConnection {
    enum Outcome: Equatable {
        /// Progress: bytes read or written (0 for a handshake step that completed).
        case done(Int)
        /// Nothing can happen until the socket is readable.
        case wantRead
        /// Nothing can happen until the socket is writable.
        case wantWrite
        /// The peer sent close_notify, or closed the socket.
        case closed
        /// A protocol or system error; the session is unusable and must not send close_notify.
        case failed
    }

    private let ssl: OpaquePointer
    private(set) var isEstablished = false
    /// The last handshake step, read or write stopped on a readiness it is waiting for; the loop's
    /// epoll interest follows it.
    var handshakeWantsWrite = false
    var readWantsWrite = false
    var writeWantsRead = false
    private var failed = false

    init(ssl: OpaquePointer) {
        self.ssl = ssl
    }

    deinit { SSL_free(ssl) }

    /// Decrypted bytes, or records not yet decrypted, that OpenSSL holds: epoll cannot see them, so
    /// the loop must keep reading while this is true.
    var hasBufferedInput: Bool { SSL_has_pending(ssl) == 1 }

    /// The negotiated protocol (`TLSv1.3`), for logs and tests.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// One step of the server handshake.
    func handshake() -> Outcome {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            isEstablished = true
            handshakeWantsWrite = false
            return .done(0)
        }
        let outcome = classify(result)
        handshakeWantsWrite = outcome == .wantWrite
        return outcome
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Outcome {
        ERR_clear_error()
        let result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if result > 0 {
            readWantsWrite = false
            return .done(Int(result))
        }
        let outcome = classify(result)
        readWantsWrite = outcome == .wantWrite
        return outcome
    }

    func write(_ bytes: UnsafeRawPointer, count: Int) -> Outcome {
        ERR_clear_error()
        let result = SSL_write(ssl, bytes, Int32(clamping: count))
        if result > 0 {
            writeWantsRead = false
            return .done(Int(result))
        }
        let outcome = classify(result)
        writeWantsRead = outcome == .wantRead
        return outcome
    }

    /// Sends close_notify (RFC 8446 §6.1) if the session is healthy; best effort, never waits for
    /// the peer's: the socket is closed right after.
    func shutdown() {
        guard isEstablished, !failed else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        _ = TLSError.drainErrorQueue()
    }

    /// The client's certificate, if it presented one.
    func peerCertificate() -> PeerCertificate? {
        guard let certificate = SSL_get0_peer_certificate(ssl) else { return nil }
        let der = TLSIdentity.der(of: certificate)
        guard !der.isEmpty else { return nil }
        return PeerCertificate(fingerprint: TLSFingerprint.sha256Hex(der), der: der)
    }

    private func classify(_ result: Int32) -> Outcome {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            // An EOF without close_notify (curl, most HTTP clients) or a reset: the peer is gone.
            failed = true
            _ = TLSError.drainErrorQueue()
            return .closed
        default:
            failed = true
            _ = TLSError.drainErrorQueue()
            return .failed
        }
    }
}
