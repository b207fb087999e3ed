import Testing

@testable import HTTP

@Suite struct HTTPResponseEncoderTests {
    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func responseWithBodyIsWrittenExactly() {
        var out: [UInt8] = []
        let response = HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/json"], body: Array(#"{"type":"sync"}"#.utf8))
        HTTPResponseEncoder.write(response, keepAlive: true, date: Self.date, into: &out)
        #expect(
            text(out)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Content-Length: 15\r\n\r\n{\"type\":\"sync\"}")
    }

    @Test func closingResponseSaysConnectionClose() {
        var out: [UInt8] = []
        HTTPResponseEncoder.write(HTTPResponse(status: .notFound), keepAlive: false, date: Self.date, into: &out)
        #expect(
            text(out)
                == "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n")
    }

    @Test func callerConnectionCloseIsNotRepeated() {
        var out: [UInt8] = []
        HTTPResponseEncoder.write(
            HTTPResponse(status: .ok, headers: ["Connection": "close"]), keepAlive: false, date: Self.date, into: &out)
        #expect(text(out) == "HTTP/1.1 200 OK\r\nConnection: close\r\nDate: \(Self.date)\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func chunkedResponseIsWrittenExactly() {
        var out: [UInt8] = []
        HTTPResponseEncoder.writeHead(
            status: .ok, headers: ["Content-Type": "application/json"], contentLength: nil, chunked: true,
            keepAlive: true, date: Self.date, into: &out)
        HTTPResponseEncoder.writeChunk(Array("hello".utf8), into: &out)
        HTTPResponseEncoder.writeChunk([], into: &out)
        HTTPResponseEncoder.writeChunk([UInt8](repeating: 0x61, count: 255), into: &out)
        Array("!".utf8).withUnsafeBytes { HTTPResponseEncoder.writeChunk($0, into: &out) }
        HTTPResponseEncoder.writeFinalChunk(into: &out)
        #expect(
            text(out)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nff\r\n" + String(repeating: "a", count: 255)
                + "\r\n1\r\n!\r\n0\r\n\r\n")
    }

    @Test func chunkedOutputParsesBackThroughTheRequestParser() throws {
        // The chunk syntax is shared by requests and responses (RFC 9112 §7.1).
        var out = Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let body = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        HTTPResponseEncoder.writeChunk(Array(body[..<4096]), into: &out)
        HTTPResponseEncoder.writeChunk(Array(body[4096...]), into: &out)
        HTTPResponseEncoder.writeFinalChunk(into: &out)
        #expect(parse([out]).requests.first?.body == body)
    }

    @Test func headOnlyResponseAnnouncesTheLengthWithoutTheBody() {
        var out: [UInt8] = []
        HTTPResponseEncoder.write(
            HTTPResponse(status: .ok, body: Array("hello".utf8)), keepAlive: true, date: Self.date, headOnly: true,
            into: &out)
        #expect(text(out) == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 5\r\n\r\n")
    }

    @Test(arguments: [101, 204, 304])
    func responsesWithoutBodyHaveNoContentLength(code: Int) {
        var out: [UInt8] = []
        HTTPResponseEncoder.write(
            HTTPResponse(status: HTTPStatus(code: code), body: Array("ignored".utf8)), keepAlive: true,
            date: Self.date, into: &out)
        let written = text(out)
        #expect(written.hasPrefix("HTTP/1.1 \(code) \(HTTPStatus(code: code).reasonPhrase)\r\n"))
        #expect(!written.contains("Content-Length"))
        #expect(written.hasSuffix("\r\n\r\n"))
    }

    @Test func switchingProtocolsResponseCarriesTheHandshakeFields() {
        var out: [UInt8] = []
        let headers = WebSocketHandshake.responseHeaders(accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        HTTPResponseEncoder.write(
            HTTPResponse(status: .switchingProtocols, headers: headers), keepAlive: true, date: Self.date, into: &out)
        #expect(
            text(out)
                == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
    }

    @Test func customReasonAndUnknownCodesUseTheGenericStatusLine() {
        var out: [UInt8] = []
        HTTPResponseEncoder.writeHead(
            status: HTTPStatus(code: 200, reasonPhrase: "Fine"), headers: [:], contentLength: 0, chunked: false,
            keepAlive: true, date: Self.date, into: &out)
        #expect(text(out).hasPrefix("HTTP/1.1 200 Fine\r\n"))
        out = []
        HTTPResponseEncoder.writeHead(
            status: HTTPStatus(code: 299), headers: [:], contentLength: 0, chunked: false, keepAlive: true,
            date: Self.date, into: &out)
        #expect(text(out).hasPrefix("HTTP/1.1 299 Unknown\r\n"))
    }

    @Test(arguments: [
        100, 101, 200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 408, 409, 412, 413, 431, 500, 501, 503, 505,
    ])
    func precomputedStatusLinesMatchTheStandardReasons(code: Int) {
        var out: [UInt8] = []
        HTTPResponseEncoder.writeHead(
            status: HTTPStatus(code: code), headers: [:], contentLength: nil, chunked: false, keepAlive: true,
            date: Self.date, into: &out)
        #expect(text(out).hasPrefix("HTTP/1.1 \(code) \(HTTPStatus(code: code).reasonPhrase)\r\n"))
    }

    @Test func encoderOwnsFramingAndCallerDateWins() {
        var out: [UInt8] = []
        HTTPResponseEncoder.write(
            HTTPResponse(
                status: .ok,
                headers: [
                    "content-length": "999", "Transfer-Encoding": "gzip", "date": "Mon, 01 Jan 2024 00:00:00 GMT",
                ],
                body: Array("ok".utf8)),
            keepAlive: true, date: Self.date, into: &out)
        #expect(
            text(out) == "HTTP/1.1 200 OK\r\ndate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 2\r\n\r\nok")
    }

    @Test func headerInjectionIsNeutralised() {
        var out: [UInt8] = []
        HTTPResponseEncoder.write(
            HTTPResponse(
                status: HTTPStatus(code: 200, reasonPhrase: "OK\r\nX-Evil: 1"),
                headers: ["X-Value": "a\r\nSet-Cookie: b", "Bad\r\nName": "c"]),
            keepAlive: true, date: Self.date, into: &out)
        let written = text(out)
        #expect(written.hasPrefix("HTTP/1.1 200 OK  X-Evil: 1\r\nX-Value: a  Set-Cookie: b\r\nDate: "))
        #expect(!written.contains("Bad"))
    }
}
