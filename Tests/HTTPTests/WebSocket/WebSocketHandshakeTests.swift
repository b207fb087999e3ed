import Testing

@testable import HTTP

@Suite struct WebSocketHandshakeTests {
    @Test func acceptValueMatchesRFC6455Section1_3() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    /// The exec WebSocket of `lxc exec` as a real LXD answered it (shared/reference/lxd-traces, 07-exec-ls).
    static let lxdRequest = HTTPRequest(
        method: .get,
        target:
            "/1.0/operations/595dc01d-6d8c-4d49-aa37-5aadb80ef644/websocket?secret=3d32eb31b9901b43c4da049e0f4a67fce8506b5704b3aabc5b44e8efa999ddbf",
        headers: [
            "Host": "unix.socket", "Connection": "Upgrade", "Sec-WebSocket-Key": "97Nc1wFG9ZnuOfvJrjMyNA==",
            "Sec-WebSocket-Version": "13", "Upgrade": "websocket",
        ])

    @Test func validHandshakeReturnsTheAcceptValueLXDSent() throws {
        #expect(try WebSocketHandshake.validate(Self.lxdRequest) == "fNzwAh4P1m9kMENoicUW5BtsUnw=")
    }

    @Test func tokensAreMatchedCaseInsensitivelyInLists() throws {
        var request = Self.lxdRequest
        request.headers.replaceOrAdd(name: "Connection", value: "keep-alive, Upgrade")
        request.headers.replaceOrAdd(name: "Upgrade", value: "WebSocket")
        #expect(try WebSocketHandshake.validate(request) == "fNzwAh4P1m9kMENoicUW5BtsUnw=")
    }

    @Test func handshakeParsedFromTheWireIsValid() throws {
        var parser = HTTPRequestParser()
        parser.append(
            Array(
                ("GET /1.0/events HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        let request = try #require(try parser.next())
        #expect(try WebSocketHandshake.validate(request) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        var name: String
        var edit: @Sendable (inout HTTPRequest) -> Void
        var testDescription: String { name }
    }

    static let broken: [Broken] = [
        .init(name: "POST") { $0.method = .post },
        .init(name: "HTTP/1.0") { $0.version = .http1_0 },
        .init(name: "no Upgrade") { $0.headers.remove(name: "Upgrade") },
        .init(name: "Upgrade: h2c") { $0.headers.replaceOrAdd(name: "Upgrade", value: "h2c") },
        .init(name: "no Connection") { $0.headers.remove(name: "Connection") },
        .init(name: "Connection: keep-alive") { $0.headers.replaceOrAdd(name: "Connection", value: "keep-alive") },
        .init(name: "version 8") { $0.headers.replaceOrAdd(name: "Sec-WebSocket-Version", value: "8") },
        .init(name: "no version") { $0.headers.remove(name: "Sec-WebSocket-Version") },
        .init(name: "no key") { $0.headers.remove(name: "Sec-WebSocket-Key") },
        .init(name: "two keys") { $0.headers.add(name: "Sec-WebSocket-Key", value: "97Nc1wFG9ZnuOfvJrjMyNA==") },
        .init(name: "key not base64") {
            $0.headers.replaceOrAdd(name: "Sec-WebSocket-Key", value: "not base64 at all!!!!!!!")
        },
        .init(name: "key of 15 bytes") {
            $0.headers.replaceOrAdd(name: "Sec-WebSocket-Key", value: "AAAAAAAAAAAAAAAAAAAA")
        },
        .init(name: "key of 17 bytes") {
            $0.headers.replaceOrAdd(name: "Sec-WebSocket-Key", value: "AAAAAAAAAAAAAAAAAAAAAAA=")
        },
        .init(name: "empty key") { $0.headers.replaceOrAdd(name: "Sec-WebSocket-Key", value: "") },
    ]

    @Test(arguments: broken)
    func invalidHandshakesAreRejectedWithAReason(_ example: Broken) {
        var request = Self.lxdRequest
        example.edit(&request)
        #expect {
            try WebSocketHandshake.validate(request)
        } throws: { error in
            guard case .handshake(let reason) = error as? WebSocketError else { return false }
            return !reason.isEmpty
        }
    }

    @Test func responseHeadersCompleteTheUpgrade() {
        let headers = WebSocketHandshake.responseHeaders(accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(headers["upgrade"] == "websocket")
        #expect(headers.containsToken("upgrade", in: "Connection"))
        #expect(headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
