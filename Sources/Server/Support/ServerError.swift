/// Failures a handler can see while talking to a connection.
public enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer went away, the server closed the connection (slow consumer, shutdown), or the
    /// stream already finished; nothing more can be written.
    case connectionClosed

    public var description: String {
        switch self {
        case .connectionClosed: "connection closed"
        }
    }
}
