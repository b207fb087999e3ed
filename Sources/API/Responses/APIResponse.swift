import HTTP
import JSON
import Server

/// What a handler returns (LXD's `response.Response`): a value, never a socket write.
public enum APIResponse: Sendable {
    /// A sync envelope. `status` is 200, or 201 with `location` for synchronous creation.
    case sync(JSONValue, status: HTTPStatus = .ok, etag: String? = nil, location: String? = nil)
    /// A sync response whose whole body, envelope included, is already encoded (cached hot bodies).
    case encodedSync(body: [UInt8], etag: String? = nil)
    /// A response that is not an envelope (files, logs, console output).
    case raw(HTTPResponse)
    /// Streams and WebSocket upgrades, passed to the server as they are.
    case reply(Reply)

    /// The `{}` metadata LXD's `EmptySyncResponse` sends.
    public static let empty = APIResponse.sync(.object([]))

    var reply: Reply {
        switch self {
        case .sync(let metadata, let status, let etag, let location):
            .response(Envelope.sync(metadata, status: status, etag: etag, location: location))
        case .encodedSync(let body, let etag):
            .response(Envelope.cachedSync(body: body, etag: etag))
        case .raw(let response): .response(response)
        case .reply(let reply): reply
        }
    }
}

extension Envelope {
    /// A sync response from a body that already includes the envelope (see `ServerInfoCache`).
    static func cachedSync(body: [UInt8], etag: String?) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let etag { headers.add(name: "ETag", value: "\"\(etag)\"") }
        return HTTPResponse(status: .ok, headers: headers, body: body)
    }
}
