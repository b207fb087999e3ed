/// LXD's operation classes: background work, work a client attaches to by websocket, and tokens that
/// wait to be redeemed.
public enum OperationClass: String, Sendable, Hashable {
    case task
    case websocket
    case token
}
