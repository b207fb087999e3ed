/// Why the sockets a service manager passed (LISTEN_FDS) cannot be used. Each is an admin's
/// mistake in the socket unit, so the daemon refuses to start rather than guess.
public enum SocketActivationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A variable is set but is not what sd_listen_fds(3) accepts (LISTEN_FDS must be a count ≥ 1).
    case invalidVariable(name: String, value: String)
    /// LISTEN_FDNAMES names a different number of sockets than LISTEN_FDS passes.
    case nameCountMismatch(names: Int, descriptors: Int)
    /// A passed descriptor is closed, or is not a listening stream socket on AF_UNIX, AF_INET or AF_INET6.
    case unusableSocket(fd: Int32, name: String, reason: String)

    public var description: String {
        switch self {
        case .invalidVariable(let name, let value):
            "socket activation: \(name)=\(value) is not valid"
        case .nameCountMismatch(let names, let descriptors):
            "socket activation: LISTEN_FDNAMES has \(names) names for \(descriptors) descriptors"
        case .unusableSocket(let fd, let name, let reason):
            "socket activation: fd \(fd) (\(name)) \(reason)"
        }
    }
}
