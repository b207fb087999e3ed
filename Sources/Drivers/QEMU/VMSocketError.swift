#if canImport(Glibc)
    import Glibc
#endif

/// Why talking over one of a VM's unix sockets (QMP, agent, console) failed.
public enum VMSocketError: Error, Equatable, CustomStringConvertible {
    /// Nobody accepted a connection on `path` in time; `errno` is the last attempt's (ENOENT:
    /// no socket file, ECONNREFUSED: nobody listens).
    case connect(path: String, errno: Int32)
    /// A read, write or poll failed, with errno.
    case system(call: String, errno: Int32)
    /// The peer closed the connection.
    case closed
    /// No answer came before the deadline.
    case timedOut

    public var description: String {
        switch self {
        case .connect(let path, let code): "Cannot connect to \(path): \(String(cString: strerror(code)))"
        case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
        case .closed: "The connection was closed"
        case .timedOut: "No answer in time"
        }
    }
}
