#if canImport(Glibc)
    import Glibc
#endif

/// The listening sockets a service manager passed at exec (systemd socket activation), read with
/// the semantics of sd_listen_fds_with_names(3): descriptors from 3 on, LISTEN_PID must name this
/// process, LISTEN_FDNAMES (optional) names each one.
public struct SocketActivation: Sendable, Equatable {
    /// SD_LISTEN_FDS_START.
    public static let firstDescriptor: Int32 = 3
    /// The variables of the protocol, unset once read so that no child process believes they are meant for it.
    public static let variables = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]

    public let sockets: [InheritedSocket]

    public init(sockets: [InheritedSocket]) {
        self.sockets = sockets
    }

    /// Reads the variables without touching a descriptor. Nil when nothing was passed to `pid`: no
    /// LISTEN_PID or LISTEN_FDS, or a LISTEN_PID of another process (a parent that leaked them).
    public static func parse(
        environment: [String: String], pid: Int32
    ) throws(SocketActivationError) -> SocketActivation? {
        guard let pidText = environment["LISTEN_PID"] else { return nil }
        guard let listenPID = Int32(pidText), listenPID > 0 else {
            throw .invalidVariable(name: "LISTEN_PID", value: pidText)
        }
        guard listenPID == pid, let countText = environment["LISTEN_FDS"] else { return nil }
        guard let count = Int32(countText), count > 0, count <= Int32.max - firstDescriptor else {
            throw .invalidVariable(name: "LISTEN_FDS", value: countText)
        }
        var names = Array(repeating: "unknown", count: Int(count))
        if let namesText = environment["LISTEN_FDNAMES"] {
            let given = namesText.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard given.count == names.count else {
                throw .nameCountMismatch(names: given.count, descriptors: Int(count))
            }
            names = given
        }
        return SocketActivation(
            sockets: names.enumerated().map {
                InheritedSocket(fd: firstDescriptor + Int32($0.offset), name: $0.element)
            })
    }

    /// Takes the sockets passed to this process: parses its environment, unsets the variables
    /// whatever the outcome (as `sd_listen_fds(1)` does), and marks each descriptor close-on-exec so
    /// the host commands berthd spawns never inherit a listening socket.
    public static func takeFromProcess() throws(SocketActivationError) -> SocketActivation? {
        guard let activation = try parse(environment: ProcessEnvironment.take(variables), pid: getpid()) else {
            return nil
        }
        for socket in activation.sockets {
            let flags = fcntl(socket.fd, F_GETFD)
            guard flags >= 0, fcntl(socket.fd, F_SETFD, flags | FD_CLOEXEC) == 0 else {
                throw .unusableSocket(
                    fd: socket.fd, name: socket.name, reason: "is not open: \(String(cString: strerror(errno)))")
            }
        }
        return activation
    }
}
