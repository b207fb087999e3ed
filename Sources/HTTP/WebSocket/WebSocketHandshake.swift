/// The server side of the WebSocket opening handshake (RFC 6455 §4.2).
public enum WebSocketHandshake {
    /// The GUID appended to the client's key (RFC 6455 §1.3, §4.2.2).
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2).
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash(Array((key + guid).utf8)))
    }

    /// Checks that `request` is a valid opening handshake (RFC 6455 §4.2.1) and returns the
    /// `Sec-WebSocket-Accept` value to answer with.
    ///
    /// Required: a GET over HTTP/1.1, `Upgrade` with the `websocket` token, `Connection` with the
    /// `upgrade` token, `Sec-WebSocket-Version: 13`, and a `Sec-WebSocket-Key` that is the base64
    /// encoding of 16 bytes. `Host` and `Origin` are left to the server.
    /// - Throws: ``WebSocketError/handshake(_:)`` saying which requirement failed.
    public static func validate(_ request: HTTPRequest) throws(WebSocketError) -> String {
        guard request.method == .get else {
            throw .handshake("WebSocket upgrade requires GET, not \(request.method.rawValue.prefix(16))")
        }
        guard request.version == .http1_1 else { throw .handshake("WebSocket upgrade requires HTTP/1.1") }
        guard request.headers.containsToken("websocket", in: "Upgrade") else {
            throw .handshake("Missing \"Upgrade: websocket\" header")
        }
        guard request.headers.containsToken("upgrade", in: "Connection") else {
            throw .handshake("Missing \"Connection: Upgrade\" header")
        }
        let versions = request.headers.values(for: "Sec-WebSocket-Version")
        guard versions.count == 1, versions[0].trimmingSpaces == "13" else {
            throw .handshake("Unsupported WebSocket version (only Sec-WebSocket-Version: 13 is supported)")
        }
        let keys = request.headers.values(for: "Sec-WebSocket-Key")
        guard keys.count == 1 else { throw .handshake("Missing or repeated Sec-WebSocket-Key header") }
        let key = String(keys[0].trimmingSpaces)
        guard let nonce = Base64.decode(key), nonce.count == 16 else {
            throw .handshake("Sec-WebSocket-Key must be the base64 encoding of 16 bytes")
        }
        return acceptValue(forKey: key)
    }

    /// The fields of the `101 Switching Protocols` answer (RFC 6455 §4.2.2).
    public static func responseHeaders(accept: String) -> HTTPHeaders {
        [
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Accept": accept,
        ]
    }
}
