import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// The sd_notify protocol, by hand: one datagram of `KEY=VALUE` lines to the unix socket named by
/// `NOTIFY_SOCKET` (a path, or an abstract name when it starts with `@`). See sd_notify(3).
public struct SystemdNotifier: Sendable {
    public let socketPath: String

    /// Nil when the process was not started by a service manager that listens.
    public init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.hasPrefix("/") || path.hasPrefix("@")
        else { return nil }
        socketPath = path
    }

    /// Reads NOTIFY_SOCKET and unsets it, as sd_notify(3) does with `unset_environment`: the
    /// service manager listens to berthd only (NotifyAccess=main), so no child should try.
    public static func takeFromProcess() -> SystemdNotifier? {
        SystemdNotifier(environment: ProcessEnvironment.take(["NOTIFY_SOCKET"]))
    }

    /// Sends `state` (e.g. `READY=1`, `STOPPING=1`, `STATUS=…`). Failures are returned, not thrown:
    /// a service manager that went away must not stop the daemon.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        // Abstract names are not NUL-terminated: the length says where they end.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (abstract ? 0 : 1))
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes {
                    sendto(fd, $0.baseAddress, $0.count, clinux_msg_nosignal, socketAddress, length)
                }
            }
        }
        return sent == message.count
    }
}
