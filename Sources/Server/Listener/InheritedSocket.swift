#if canImport(Glibc)
    import Glibc
#endif

/// One descriptor passed by a service manager, and the name its socket unit gave it
/// (`FileDescriptorName=`, "unknown" without one).
public struct InheritedSocket: Sendable, Equatable {
    public let fd: Int32
    public let name: String

    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }

    /// What a passed socket is served as: a unix listener (SO_PEERCRED callers, like the socket
    /// berthd binds itself) or an HTTPS listener.
    public enum Kind: Sendable, Equatable {
        case unix(path: String)
        case tls(host: String, port: UInt16)
    }

    /// Asks the kernel what the descriptor is. Only listening stream sockets are accepted: a datagram
    /// socket, a socket without `listen()` (`Accept=yes` units) or a closed descriptor is refused.
    public func kind() throws(SocketActivationError) -> Kind {
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
        }
        guard let domain = option(SO_DOMAIN), let type = option(SO_TYPE), let listening = option(SO_ACCEPTCONN)
        else {
            throw .unusableSocket(fd: fd, name: name, reason: "is not a socket: \(String(cString: strerror(errno)))")
        }
        guard type == Int32(SOCK_STREAM.rawValue) else {
            throw .unusableSocket(fd: fd, name: name, reason: "is not a stream socket")
        }
        guard listening != 0 else { throw .unusableSocket(fd: fd, name: name, reason: "is not listening") }
        var local = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            throw .unusableSocket(fd: fd, name: name, reason: "has no address: \(String(cString: strerror(errno)))")
        }
        switch domain {
        case AF_UNIX:
            return .unix(path: Self.unixPath(local, length: length))
        case AF_INET, AF_INET6:
            let (host, port) = TCPAddress.describe(local)
            return .tls(host: host, port: port)
        default:
            throw .unusableSocket(fd: fd, name: name, reason: "is neither AF_UNIX nor AF_INET/AF_INET6")
        }
    }

    /// The bound path; an abstract name is shown with a leading `@`, as ss(8) and systemd do.
    private static func unixPath(_ storage: sockaddr_storage, length: socklen_t) -> String {
        var copy = storage
        let offset = MemoryLayout<sa_family_t>.size
        let pathLength = max(0, Int(length) - offset)
        var bytes = withUnsafeBytes(of: &copy) { Array($0[offset..<min(offset + pathLength, $0.count)]) }
        if bytes.first == 0 {
            bytes[0] = UInt8(ascii: "@")
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
