/// A message from a client on one of an exec or console operation's websockets.
public enum ExecStreamMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}
