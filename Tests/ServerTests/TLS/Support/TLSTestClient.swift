import CLinux
import COpenSSL
import Foundation
import HTTP

@testable import Server

/// A blocking TLS client on real OpenSSL, so tests choose exactly what the server is offered
/// (protocol versions, cipher suites, a client certificate) and see exactly how it ends (a clean
/// close_notify or a bare EOF).
///
/// Reads block, so the async wrappers run them on a thread of their own (`onOwnThread`).
/// `@unchecked Sendable`: each test drives its client from one place, one call at a time.
final class TLSTestClient: ByteStreamClient, @unchecked Sendable {
    struct Options {
        var certificate: TLSIdentity?
        var minVersion: Int32 = TLS1_2_VERSION
        var maxVersion: Int32 = 0
        /// TLS 1.2 and below; nil keeps OpenSSL's defaults.
        var ciphers: String?
        /// OpenSSL 3 refuses TLS 1.1 and SHA-1 suites itself at its default level 1; 0 lets the
        /// client offer them, so that it is the server that refuses.
        var securityLevel: Int32?
        var receiveTimeoutSeconds = 5
    }

    typealias ClientError = TestClientError

    /// How the server ended the connection, as the client saw it.
    enum Ending: Equatable {
        case closeNotify
        case eofWithoutCloseNotify
        case stillOpen
    }

    let fd: Int32
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    var reader = HTTPResponseReader()
    var frameDecoder: WebSocketFrameDecoder?
    private(set) var ending: Ending = .stillOpen

    init(port: UInt16, options: Options = Options()) throws {
        // Everything is made in locals and stored only once the handshake succeeded: a throwing
        // initializer of a fully initialized class would also run deinit and free it all twice.
        let fd = try Self.connect(port: port, receiveTimeoutSeconds: options.receiveTimeoutSeconds)
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            close(fd)
            throw ClientError.handshake(TLSError.drainErrorQueue())
        }
        var ssl: OpaquePointer?
        do {
            try Self.configure(context, options)
            ssl = SSL_new(context)
            _ = SSL_set_fd(ssl, fd)
            _ = copenssl_set_tlsext_host_name(ssl, "localhost")
            ERR_clear_error()
            guard SSL_connect(ssl) == 1 else { throw ClientError.handshake(TLSError.drainErrorQueue()) }
        } catch {
            SSL_free(ssl)
            SSL_CTX_free(context)
            close(fd)
            throw error
        }
        self.fd = fd
        self.context = context
        self.ssl = ssl!
    }

    private static func configure(_ context: OpaquePointer, _ options: Options) throws {
        if let level = options.securityLevel { SSL_CTX_set_security_level(context, level) }
        _ = copenssl_ctx_set_min_proto_version(context, options.minVersion)
        _ = copenssl_ctx_set_max_proto_version(context, options.maxVersion)
        if let ciphers = options.ciphers { _ = SSL_CTX_set_cipher_list(context, ciphers) }
        if let certificate = options.certificate {
            let x509 = try TLSIdentity.parseCertificate(certificate.certificatePEM)
            defer { X509_free(x509) }
            let key = try TLSIdentity.parsePrivateKey(certificate.privateKeyPEM)
            defer { EVP_PKEY_free(key) }
            _ = SSL_CTX_use_certificate(context, x509)
            _ = SSL_CTX_use_PrivateKey(context, key)
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
        close(fd)
    }

    /// A TCP connection to 127.0.0.1 that speaks no TLS at all, for stalled-handshake tests.
    static func connect(port: UInt16, receiveTimeoutSeconds: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw ClientError.connect(code)
        }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }
    var cipher: String { String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(ssl))) }

    /// The fingerprint of the certificate the server presented.
    var serverFingerprint: String? {
        guard let certificate = SSL_get0_peer_certificate(ssl) else { return nil }
        return TLSFingerprint.sha256Hex(TLSIdentity.der(of: certificate))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                SSL_write(ssl, $0.baseAddress! + offset, Int32(clamping: bytes.count - offset))
            }
            if written <= 0 { return }
            offset += Int(written)
        }
    }

    /// Sends close_notify, as a well-behaved client does before closing.
    func sendCloseNotify() { _ = SSL_shutdown(ssl) }

    /// The next decrypted bytes; nil once the server has closed.
    func receive() throws -> [UInt8]? {
        guard ending == .stillOpen else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65536)
        ERR_clear_error()
        let count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        if count > 0 { return Array(chunk[0..<Int(count)]) }
        let error = SSL_get_error(ssl, count)
        let code = errno
        _ = TLSError.drainErrorQueue()
        if error == SSL_ERROR_ZERO_RETURN {
            ending = .closeNotify
            return nil
        }
        if error == SSL_ERROR_SYSCALL && (code == EAGAIN || code == EWOULDBLOCK) { throw ClientError.timeout }
        ending = .eofWithoutCloseNotify
        return nil
    }

    /// Reads until the server closes and says how it did.
    func readToEndNow() throws -> Ending {
        while try reader.fill(receive) {}
        return ending
    }

    func request(_ text: String) async throws -> RawClient.Response {
        send(text)
        return try await readResponse()
    }

    func readResponse() async throws -> RawClient.Response { try await onOwnThread { try self.readResponseNow() } }
    func readFrame() async throws -> WebSocketFrame { try await onOwnThread { try self.readFrameNow() } }
    func readToEnd() async throws -> Ending { try await onOwnThread { try self.readToEndNow() } }

    /// Connects and handshakes off the cooperative pool: the server's handler tasks need it.
    static func open(port: UInt16, options: Options = Options()) async throws -> TLSTestClient {
        try await onOwnThread { try TLSTestClient(port: port, options: options) }
    }
}
