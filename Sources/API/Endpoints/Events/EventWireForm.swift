import HTTP
import JSON
import Operations

/// The three ways `GET /1.0/events` can be served, chosen by the request.
enum EventWireForm: Equatable {
    /// LXD's form: an RFC 6455 upgrade, one text frame per event.
    case webSocket
    /// `Accept: application/x-ndjson`: a chunked body, one event per line.
    case ndjson
    /// `Accept: text/event-stream` (WHATWG HTML §9.2, Server-Sent Events).
    case serverSentEvents

    /// A WebSocket upgrade wins; otherwise the first of the two media types listed in `Accept`
    /// (parameters and q-values are ignored). Nil for anything else.
    static func negotiate(_ headers: HTTPHeaders) -> EventWireForm? {
        if headers.containsToken("websocket", in: "Upgrade") { return .webSocket }
        for mediaType in headers.acceptedMediaTypes {
            switch mediaType {
            case "application/x-ndjson": return .ndjson
            case "text/event-stream": return .serverSentEvents
            default: continue
            }
        }
        return nil
    }

    /// The head of a streamed form.
    var head: HTTPResponse {
        let contentType = self == .serverSentEvents ? "text/event-stream" : "application/x-ndjson"
        return HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": contentType, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
            ])
    }

    /// The bytes of one feed item in a streamed form. An overflow is reported in-band, then the
    /// stream ends: NDJSON `{"type":"error","error":"…"}`, SSE an `error` event.
    func encode(_ item: EventFeed.Item) -> [UInt8] {
        switch (self, item) {
        case (.serverSentEvents, .event(let id, let type, let body)):
            return Array("id: \(id)\nevent: \(type.rawValue)\ndata: ".utf8) + body + Array("\n\n".utf8)
        case (.ndjson, .event(_, _, let body)), (.webSocket, .event(_, _, let body)):
            return body + [UInt8(ascii: "\n")]
        case (_, .overflow(let reason)):
            return encode(error: reason)
        }
    }

    /// The last thing a stream says when it ends on an error.
    func encode(error reason: String) -> [UInt8] {
        if self == .serverSentEvents {
            // A `data` line ends at a line break; the reasons have none, but a stray one must not forge fields.
            let line = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
            return Array("event: error\ndata: \(line)\n\n".utf8)
        }
        let line: JSONValue = .object([("type", .string("error")), ("error", .string(reason))])
        return line.encoded + [UInt8(ascii: "\n")]
    }

    /// An SSE comment that keeps proxies and idle timers from closing a quiet stream.
    static let keepalive = Array(": keepalive\n\n".utf8)
}
