/// One client connection attached to an exec or console operation (a websocket in the API). Kept
/// behind a protocol so that the instance code knows nothing of the server.
///
/// # Implementation requirements
/// Sends never block; `pendingBytes` tells how far the peer is behind, so the reader of a chatty
/// command can slow down.
public protocol ExecStream: Sendable {
    /// What the client sends; finishes when it disconnects.
    var messages: AsyncStream<ExecStreamMessage> { get }
    var isClosed: Bool { get }
    var pendingBytes: Int { get }
    func send(_ bytes: [UInt8])
    /// LXD's end of stream: an empty text frame, no close frame.
    func sendEnd()
    /// Finishes `messages`, so the session's reader returns and the connection closes.
    func endMessages()
}
