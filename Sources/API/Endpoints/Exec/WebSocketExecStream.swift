import Instances
import Server

/// A websocket as the exec and console sessions see it: binary frames for data, an empty text frame
/// for end of stream (LXD's protocol), pongs left to the server.
struct WebSocketExecStream: ExecStream {
    let session: WebSocketSession
    let messages: AsyncStream<ExecStreamMessage>
    private let continuation: AsyncStream<ExecStreamMessage>.Continuation

    init(_ session: WebSocketSession) {
        self.session = session
        let (stream, continuation) = AsyncStream.makeStream(of: ExecStreamMessage.self)
        messages = stream
        self.continuation = continuation
        let task = Task {
            for await message in session.messages {
                switch message {
                case .text(let text): continuation.yield(.text(text))
                case .binary(let bytes): continuation.yield(.binary(bytes))
                case .pong: break
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
    }

    var isClosed: Bool { session.isClosed }
    var pendingBytes: Int { session.pendingBytes }

    func send(_ bytes: [UInt8]) { try? session.send(binary: bytes) }

    func sendEnd() { try? session.send(text: "") }

    func endMessages() { continuation.finish() }
}
