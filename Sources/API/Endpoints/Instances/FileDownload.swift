import Drivers
import HTTP
import Server

/// A file's body for a raw response (LXD's `FileResponse`): read whole when small, so that its
/// length is known and a read error is still an error response; streamed in chunks otherwise, so
/// that a large file is never held in memory, at the pace the client reads.
enum FileDownload {
    /// Files up to this size are read whole and sent with a `Content-Length`.
    static let wholeLimit: Int64 = 4 << 20
    static let chunkSize = 1 << 20
    /// The producer waits while the client has this much unread.
    static let pendingLimit = 8 << 20

    static func response(_ reader: InstanceFileReader, filename: String, headers extra: HTTPHeaders = [:]) async throws
        -> APIResponse
    {
        var headers: HTTPHeaders = [
            "Content-Type": "application/octet-stream", "Content-Disposition": "inline;filename=\(filename)",
        ]
        for (name, value) in extra { headers.add(name: name, value: value) }
        if reader.size <= wholeLimit {
            let body = try await OffPool.run {
                var body: [UInt8] = []
                while true {
                    let chunk = try reader.read(upTo: chunkSize)
                    if chunk.isEmpty { return body }
                    body += chunk
                }
            }
            return .raw(HTTPResponse(status: .ok, headers: headers, body: body))
        }
        return .reply(
            .stream(head: HTTPResponse(status: .ok, headers: headers, body: [])) { writer in
                // A read error after the head has gone out can only end the body early.
                while !writer.isClosed, let chunk = try? await OffPool.run({ try reader.read(upTo: chunkSize) }),
                    !chunk.isEmpty
                {
                    while writer.pendingBytes > pendingLimit && !writer.isClosed {
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                    guard (try? writer.write(chunk)) != nil else { return }
                }
            })
    }
}
