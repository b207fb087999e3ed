/// A message from the peer of a WebSocket session. Pings are answered by the server itself.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
    /// A pong, so a handler that pings can tell a live peer from a dead one.
    case pong([UInt8])
}
