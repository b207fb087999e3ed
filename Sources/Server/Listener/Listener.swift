import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// A bound, listening, non-blocking socket shared by every loop (each polls it with EPOLLEXCLUSIVE,
/// so one connection wakes one loop).
final class Listener: Sendable {
    let fd: Int32
    let transport: RequestContext.Transport
    let address: ListenAddress
    /// The address actually bound (a TCP port 0 resolved to the real port).
    let boundAddress: ListenAddress
    /// The listener's epoll token in every loop, unique for the server's life.
    let token: UInt64
    /// The server side of TLS for a `.tls` listener.
    let tls: TLSContext?
    /// Whether closing removes the unix socket file: not for a socket the service manager owns, which
    /// must stay for the next start (connections queue there while berthd restarts).
    let ownsPath: Bool

    private init(
        fd: Int32, transport: RequestContext.Transport, address: ListenAddress, bound: ListenAddress, token: UInt64,
        tls: TLSContext? = nil, ownsPath: Bool = true
    ) {
        self.fd = fd
        self.transport = transport
        self.address = address
        boundAddress = bound
        self.token = token
        self.tls = tls
        self.ownsPath = ownsPath
    }

    /// `tls` gives the context of a `.tls` address (nil: the server has no identity); it is asked
    /// only for one, so a server without HTTPS listeners never sets up OpenSSL's TLS side.
    static func bind(
        _ address: ListenAddress, token: UInt64, tls: () throws(TLSError) -> TLSContext?, backlog: Int32 = 1024
    ) throws(SystemError) -> Listener {
        switch address {
        case .unix(let path, let mode):
            // The state-directory lock guarantees no other daemon owns this path, so a leftover file
            // is stale (a crash skipped the unlink).
            var info = stat()
            if lstat(path, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFSOCK else {
                    throw SystemError("bind", errno: EEXIST, detail: "\(path) exists and is not a socket")
                }
                unlink(path)
            }
            let fd = clinux_listen_unix(path, backlog)
            guard fd >= 0 else { throw SystemError("bind", errno: -fd, detail: path) }
            guard chmod(path, mode_t(mode)) == 0 else {
                let error = SystemError("chmod", detail: path)
                _ = Glibc.close(fd)
                throw error
            }
            return Listener(fd: fd, transport: .unix, address: address, bound: address, token: token)
        case .tcp(let host, let port), .tls(let host, let port):
            var context: TLSContext?
            if case .tls = address {
                do {
                    context = try tls()
                } catch {
                    throw SystemError(
                        "bind", errno: EINVAL,
                        detail: "\(address): cannot set up TLS with the server certificate: \(error)")
                }
                guard context != nil else {
                    throw SystemError("bind", errno: EINVAL, detail: "\(address) needs a TLS identity")
                }
            }
            guard var socketAddress = TCPAddress(host: host, port: port) else {
                throw SystemError("bind", errno: EINVAL, detail: "\(address) is not a numeric address")
            }
            let fd = socket(socketAddress.family, Int32(SOCK_STREAM.rawValue) | clinux_sock_nonblock_cloexec, 0)
            guard fd >= 0 else { throw SystemError("socket") }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            let length = socketAddress.length
            let bound = withUnsafePointer(to: &socketAddress.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
            }
            guard bound == 0, listen(fd, backlog) == 0 else {
                let error = SystemError("bind", detail: address.description)
                _ = Glibc.close(fd)
                throw error
            }
            var local = sockaddr_storage()
            var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = withUnsafeMutablePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
            }
            let actualPort = TCPAddress.describe(local).port
            if let context {
                return Listener(
                    fd: fd, transport: .tls, address: address, bound: .tls(host: host, port: actualPort), token: token,
                    tls: context)
            }
            return Listener(
                fd: fd, transport: .tcp, address: address, bound: .tcp(host: host, port: actualPort), token: token)
        }
    }

    /// Serves a socket passed by the service manager instead of binding one: an AF_UNIX socket as a
    /// unix listener, a TCP socket as an HTTPS listener.
    static func adopt(
        _ socket: InheritedSocket, token: UInt64, tls: () throws(TLSError) -> TLSContext?
    ) throws(SocketActivationError) -> Listener {
        let kind = try socket.kind()
        // The loops accept until EAGAIN; systemd passes blocking sockets unless NonBlocking=yes.
        let flags = fcntl(socket.fd, F_GETFL)
        guard flags >= 0, fcntl(socket.fd, F_SETFL, flags | O_NONBLOCK) == 0,
            fcntl(socket.fd, F_SETFD, FD_CLOEXEC) == 0
        else {
            throw .unusableSocket(fd: socket.fd, name: socket.name, reason: String(cString: strerror(errno)))
        }
        switch kind {
        case .unix(let path):
            let address = ListenAddress.unix(path: path)
            return Listener(
                fd: socket.fd, transport: .unix, address: address, bound: address, token: token, ownsPath: false)
        case .tls(let host, let port):
            let context: TLSContext?
            do {
                context = try tls()
            } catch {
                throw .unusableSocket(
                    fd: socket.fd, name: socket.name, reason: "cannot set up TLS with the server certificate: \(error)")
            }
            guard let context else {
                throw .unusableSocket(fd: socket.fd, name: socket.name, reason: "needs a TLS identity to serve HTTPS")
            }
            let address = ListenAddress.tls(host: host, port: port)
            return Listener(
                fd: socket.fd, transport: .tls, address: address, bound: address, token: token, tls: context,
                ownsPath: false)
        }
    }

    /// Closes the socket and removes a unix socket file it bound, so clients see "connection refused" at once.
    func close() {
        _ = Glibc.close(fd)
        if ownsPath, case .unix(let path, _) = address { unlink(path) }
    }
}
