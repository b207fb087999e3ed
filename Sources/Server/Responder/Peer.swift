/// Who is on the other end of a connection, as the kernel reports it.
public enum Peer: Sendable, Equatable, CustomStringConvertible {
    /// A unix-socket peer identified by SO_PEERCRED.
    case unix(uid: UInt32, gid: UInt32, pid: Int32)
    /// A TCP peer by address and port.
    case tcp(address: String, port: UInt16)

    public var description: String {
        switch self {
        case .unix(let uid, let gid, let pid): "unix(uid=\(uid),gid=\(gid),pid=\(pid))"
        case .tcp(let address, let port): address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
    }
}
