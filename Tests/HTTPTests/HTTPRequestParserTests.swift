import Testing

@testable import HTTP

/// Everything a parser produced from one input: the requests, then the error that stopped it.
struct ParseOutcome: Equatable, CustomStringConvertible {
    var requests: [HTTPRequest] = []
    var error: HTTPParserError?

    var description: String {
        "\(requests.map { "\($0.method) \($0.target) body=\($0.body.count)" }) error=\(String(describing: error))"
    }
}

/// Feeds `pieces` one at a time, draining the parser after each.
func parse(_ pieces: [[UInt8]], limits: HTTPParserLimits = .init()) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    for piece in pieces {
        parser.append(piece)
        do {
            while let request = try parser.next() { outcome.requests.append(request) }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    return outcome
}

func parse(_ text: String, limits: HTTPParserLimits = .init()) -> ParseOutcome {
    parse([Array(text.utf8)], limits: limits)
}

/// `takeExpectContinue()` is mutating, which `#expect` cannot call on its own.
func take(_ parser: inout HTTPRequestParser) -> Bool { parser.takeExpectContinue() }

@Suite struct HTTPRequestParserTests {
    // MARK: - Well-formed requests

    @Test func simpleGETIsParsed() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /1.0 HTTP/1.1\r\nHost: unix.socket\r\n\r\n".utf8))
        let request = try #require(try parser.next())
        #expect(request.method == .get)
        #expect(request.target == "/1.0")
        #expect(request.version == .http1_1)
        #expect(request.headers["host"] == "unix.socket")
        #expect(request.body.isEmpty)
        #expect(request.keepAlive)
        #expect(try parser.next() == nil)
        #expect(!parser.hasPartialRequest)
    }

    @Test func headerValuesAreTrimmedAndOrderAndDuplicatesAreKept() throws {
        let outcome = parse(
            "GET / HTTP/1.1\r\nHost:x\r\nX-A: \t one two \t\r\nx-a: second\r\nEmpty:\r\nX-Obs: caf\u{E9}\r\n\r\n")
        let request = try #require(outcome.requests.first)
        #expect(outcome.error == nil)
        #expect(request.headers.fields.map(\.name) == ["Host", "X-A", "x-a", "Empty", "X-Obs"])
        #expect(request.headers["HOST"] == "x")
        #expect(request.headers.values(for: "x-a") == ["one two", "second"])
        #expect(request.headers["empty"] == "")
        #expect(request.headers["x-obs"] == "caf\u{E9}")
    }

    @Test func unknownMethodsAreKeptVerbatim() throws {
        let request = try #require(parse("PROPFIND /dav HTTP/1.1\r\n\r\n").requests.first)
        #expect(request.method.rawValue == "PROPFIND")
    }

    @Test func asteriskTargetIsAcceptedForOPTIONS() throws {
        let request = try #require(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").requests.first)
        #expect(request.method == .options)
        #expect(request.target == "*")
    }

    @Test func contentLengthBodyIsRead() throws {
        let body = #"{"action":"stop","timeout":-1,"force":false,"stateful":false}"#
        let outcome = parse(
            "PUT /1.0/instances/c1/state HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        )
        let request = try #require(outcome.requests.first)
        #expect(request.method == .put)
        #expect(request.body == Array(body.utf8))
    }

    @Test func repeatedEqualContentLengthsAreAccepted() throws {
        let outcome = parse("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")
        #expect(outcome.requests.first?.body == Array("abc".utf8))
    }

    @Test func chunkedBodyWithExtensionsAndTrailersIsDechunked() throws {
        let outcome = parse(
            "POST /1.0/images HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value;flag\r\nhello\r\n"
                + "1A ; ext=\"quoted\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                + "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n")
        let request = try #require(outcome.requests.first)
        #expect(outcome.error == nil)
        #expect(request.body == Array("helloabcdefghijklmnopqrstuvwxyz".utf8))
        #expect(request.headers["x-checksum"] == nil, "trailer fields are discarded")
        #expect(request.headers["transfer-encoding"] == "chunked")
    }

    @Test func transferCodingIsMatchedCaseInsensitivelyAcrossFields() throws {
        let outcome = parse(
            "POST / HTTP/1.1\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.requests.first?.body == Array("abc".utf8))
    }

    @Test func threePipelinedRequestsInOneBufferComeOutInOrder() throws {
        let outcome = parse(
            "GET /1.0 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /1.0/instances HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
                + "\r\n"  // one empty line between requests is tolerated (RFC 9112 §2.2)
                + "PUT /1.0/instances/c1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.requests.map(\.method) == [.get, .post, .put])
        #expect(outcome.requests.map(\.target) == ["/1.0", "/1.0/instances", "/1.0/instances/c1"])
        #expect(outcome.requests.map(\.body) == [[], Array("{}".utf8), Array("{}".utf8)])
    }

    @Test func higherHTTP1MinorVersionIsServedAsHTTP11() throws {
        // RFC 9110 §2.5: process as the highest minor version implemented.
        #expect(parse("GET / HTTP/1.2\r\n\r\n").requests.first?.version == .http1_1)
    }

    // MARK: - Split reads

    /// A pipelined pair with a chunked body, extensions, trailers and an empty line in between:
    /// every kind of boundary the parser has state for.
    static let splitFixture = Array(
        ("\r\nPOST /1.0/instances?project=default HTTP/1.1\r\nHost: unix.socket\r\nTransfer-Encoding: chunked\r\n"
            + "Expect: 100-continue\r\n\r\n"
            + "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer-A: 1\r\n\r\n"
            + "\r\nGET /1.0 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").utf8)

    @Test func splitFixtureParsesAsExpected() throws {
        let whole = parse([Self.splitFixture])
        #expect(whole.error == nil)
        #expect(whole.requests.count == 2)
        #expect(whole.requests.first?.body == Array("Wikipedia in\r\n\r\nchunks.".utf8))
        #expect(whole.requests.last?.body == Array("abc".utf8))
    }

    @Test func splittingAtEveryByteBoundaryGivesTheSameRequests() {
        let bytes = Self.splitFixture
        let whole = parse([bytes])
        for i in 0...bytes.count {
            let split = parse([Array(bytes[..<i]), Array(bytes[i...])])
            #expect(split == whole, "split at \(i)")
        }
    }

    @Test func feedingOneByteAtATimeGivesTheSameRequests() {
        let bytes = Self.splitFixture
        #expect(parse(bytes.map { [$0] }) == parse([bytes]))
    }

    @Test func malformedInputFailsTheSameWayWhenSplit() {
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n".utf8)
        for i in 0...bytes.count {
            #expect(parse([Array(bytes[..<i]), Array(bytes[i...])]).error == .invalidHeaderName, "split at \(i)")
        }
    }

    @Test func rawBufferAppendMatchesArrayAppend() throws {
        var parser = HTTPRequestParser()
        let bytes = Array("GET /raw HTTP/1.1\r\n\r\n".utf8)
        bytes.withUnsafeBytes { parser.append($0) }
        #expect(try parser.next()?.target == "/raw")
    }

    @Test func largeBodyArrivingInManyPiecesIsReassembled() throws {
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        let head = Array("PUT /1.0/images HTTP/1.1\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        let stream = head + body + Array("GET /next HTTP/1.1\r\n\r\n".utf8)
        let pieces = stride(from: 0, to: stream.count, by: 1000).map {
            Array(stream[$0..<min($0 + 1000, stream.count)])
        }
        let outcome = parse(pieces)
        #expect(outcome.requests.count == 2)
        #expect(outcome.requests.first?.body == body)
        #expect(outcome.requests.last?.target == "/next")
    }

    // MARK: - Malformed input

    struct Malformed: CustomTestStringConvertible, Sendable {
        var name: String
        var input: String
        var error: HTTPParserError
        var status: Int
        var testDescription: String { name }

        init(_ name: String, _ input: String, _ error: HTTPParserError, _ status: Int) {
            self.name = name
            self.input = input
            self.error = error
            self.status = status
        }
    }

    static let malformed: [Malformed] = [
        .init("bare LF ends the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", .bareLineFeed, 400),
        .init("bare LF ends a header line", "GET / HTTP/1.1\r\nHost: x\n\r\n", .bareLineFeed, 400),
        .init("bare LF ends the head", "GET / HTTP/1.1\r\nHost: x\r\n\n", .bareLineFeed, 400),
        .init("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", .invalidHeaderName, 400),
        .init("empty header name", "GET / HTTP/1.1\r\n: x\r\n\r\n", .invalidHeaderName, 400),
        .init("header line without colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", .invalidHeaderName, 400),
        .init("non-digit Content-Length", "POST / HTTP/1.1\r\nContent-Length: 12a\r\n\r\n", .invalidContentLength, 400),
        .init("negative Content-Length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", .invalidContentLength, 400),
        .init("empty Content-Length", "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", .invalidContentLength, 400),
        .init("Content-Length list", "POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\nx", .invalidContentLength, 400),
        .init(
            "disagreeing Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
            .invalidContentLength, 400),
        .init(
            "Content-Length and Transfer-Encoding",
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .conflictingFraming, 400),
        .init(
            "Transfer-Encoding gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            .unsupportedTransferEncoding("gzip"), 501),
        .init(
            "gzip before chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            .unsupportedTransferEncoding("gzip"), 501),
        .init(
            "chunked twice", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .invalidTransferEncoding,
            400),
        .init(
            "empty Transfer-Encoding", "POST / HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n", .invalidTransferEncoding, 400),
        .init(
            "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            .invalidTransferEncoding, 400),
        .init("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", .unsupportedVersion(major: 2, minor: 0), 505),
        .init("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", .unsupportedVersion(major: 0, minor: 9), 505),
        .init("version without minor", "GET / HTTP/1\r\n\r\n", .invalidRequestLine, 400),
        .init("lower-case protocol name", "GET / http/1.1\r\n\r\n", .invalidRequestLine, 400),
        .init("garbage", "hello world\r\n\r\n", .invalidRequestLine, 400),
        .init("missing version", "GET /\r\n\r\n", .invalidRequestLine, 400),
        .init("double space", "GET  / HTTP/1.1\r\n\r\n", .invalidRequestLine, 400),
        .init("bad method character", "G(ET / HTTP/1.1\r\n\r\n", .invalidRequestLine, 400),
        .init("two empty lines before the request", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", .invalidRequestLine, 400),
        .init("absolute-form target", "GET http://x/ HTTP/1.1\r\n\r\n", .invalidTarget, 400),
        .init("asterisk target on GET", "GET * HTTP/1.1\r\n\r\n", .invalidTarget, 400),
        .init("control byte in target", "GET /a\u{1}b HTTP/1.1\r\n\r\n", .invalidTarget, 400),
        .init("NUL in header value", "GET / HTTP/1.1\r\nX-A: a\u{0}b\r\n\r\n", .invalidHeaderValue(name: "X-A"), 400),
        .init("bare CR in header value", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", .invalidHeaderValue(name: "X-A"), 400),
        .init("DEL in header value", "GET / HTTP/1.1\r\nX-A: a\u{7F}\r\n\r\n", .invalidHeaderValue(name: "X-A"), 400),
        .init("obs-fold", "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", .obsoleteLineFolding, 400),
        .init("whitespace before first header", "GET / HTTP/1.1\r\n\tHost: x\r\n\r\n", .obsoleteLineFolding, 400),
        .init(
            "chunk size overflows", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n",
            .invalidChunkedBody, 400),
        .init(
            "chunk size not hex", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkedBody,
            400),
        .init(
            "empty chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunkedBody, 400),
        .init(
            "junk after chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n",
            .invalidChunkedBody, 400),
        .init(
            "chunk data without CRLF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
            .invalidChunkedBody, 400),
        .init(
            "chunk data followed by bare LF",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n", .bareLineFeed, 400),
        .init(
            "invalid trailer field", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
            .invalidHeaderName, 400),
    ]

    @Test(arguments: malformed)
    func malformedRequestIsRejected(_ example: Malformed) {
        let outcome = parse(example.input)
        #expect(outcome.requests.isEmpty)
        #expect(outcome.error == example.error)
        #expect(outcome.error?.status.code == example.status)
    }

    @Test func headOverLimitIs431EvenWithoutTheEmptyLine() {
        let head = "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 17_000)
        #expect(parse(head).error == .headersTooLarge(limit: 16384))
        #expect(parse(head).error?.status.code == 431)
    }

    @Test func requestLineOverLimitIs431WithoutAnyLineEnd() {
        #expect(parse("GET /" + String(repeating: "a", count: 16384)).error == .headersTooLarge(limit: 16384))
    }

    @Test func headOfExactlyTheLimitIsAcceptedAndOneMoreByteIsNot() {
        let limits = HTTPParserLimits(maxHeaderBytes: 64)
        let base = "GET / HTTP/1.1\r\nX: \r\n\r\n"  // 23 bytes
        let fits = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 64 - base.utf8.count) + "\r\n\r\n"
        #expect(fits.utf8.count == 64)
        #expect(parse(fits, limits: limits).requests.count == 1)
        let tooLong = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 65 - base.utf8.count) + "\r\n\r\n"
        #expect(parse(tooLong, limits: limits).error == .headersTooLarge(limit: 64))
    }

    @Test func contentLengthOverLimitIs413BeforeAnyBodyByteArrives() throws {
        var parser = HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: 1024))
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n".utf8))
        #expect(throws: HTTPParserError.bodyTooLarge(limit: 1024)) { try parser.next() }
        #expect(HTTPParserError.bodyTooLarge(limit: 1024).status.code == 413)
    }

    @Test func absurdContentLengthIs413() {
        #expect(
            parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n").error
                == .bodyTooLarge(limit: 64 << 20))
    }

    @Test func chunkOverLimitIs413BeforeItsDataArrives() {
        let limits = HTTPParserLimits(maxBodyBytes: 10)
        let request = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n"
        #expect(parse(request, limits: limits).error == .bodyTooLarge(limit: 10))
    }

    @Test func oversizedTrailersAre431() {
        let limits = HTTPParserLimits(maxHeaderBytes: 128)
        let request =
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " + String(repeating: "t", count: 200)
        #expect(parse(request, limits: limits).error == .headersTooLarge(limit: 128))
    }

    @Test func errorsAreSticky() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/2.0\r\n\r\n".utf8))
        #expect(throws: HTTPParserError.unsupportedVersion(major: 2, minor: 0)) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(throws: HTTPParserError.unsupportedVersion(major: 2, minor: 0)) { try parser.next() }
        #expect(!parser.hasPartialRequest)
    }

    @Test func errorMessagesAreReadable() {
        #expect(
            HTTPParserError.headersTooLarge(limit: 16384).message
                == "Request header fields too large (limit 16384 bytes)")
        #expect(HTTPParserError.invalidHeaderValue(name: "X-A").message.contains("\"X-A\""))
        #expect(HTTPParserError.unsupportedTransferEncoding("gzip").message.contains("gzip"))
    }

    // MARK: - Connection semantics

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n", false),
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", false),
    ])
    func keepAliveFollowsVersionAndConnectionHeader(input: String, keepAlive: Bool) throws {
        let request = try #require(parse(input).requests.first)
        #expect(request.keepAlive == keepAlive)
    }

    @Test func http10RequestVersionIsReported() throws {
        #expect(parse("GET / HTTP/1.0\r\n\r\n").requests.first?.version == .http1_0)
    }

    // MARK: - Expect: 100-continue

    @Test func expectContinueIsAnnouncedOnceWhileTheBodyIsMissing() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("PUT /1.0/images HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(take(&parser))
        #expect(!take(&parser))
        parser.append(Array("hello".utf8))
        #expect(try parser.next()?.body == Array("hello".utf8))
        #expect(!take(&parser))
    }

    @Test func expectContinueIsNotAnnouncedWhenTheBodyIsAlreadyHere() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok".utf8))
        #expect(try parser.next() != nil)
        #expect(!take(&parser))
    }

    @Test func expectContinueIsAnnouncedForChunkedBodies() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(take(&parser))
    }

    @Test(arguments: [
        "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",  // ignored in HTTP/1.0
        "GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",  // no body
        "PUT / HTTP/1.1\r\nContent-Length: 5\r\n\r\n",  // no expectation
    ])
    func expectContinueIsNotAnnounced(input: String) throws {
        var parser = HTTPRequestParser()
        parser.append(Array(input.utf8))
        _ = try parser.next()
        #expect(!take(&parser))
    }

    // MARK: - Partial requests

    @Test func hasPartialRequestTracksUnfinishedRequests() throws {
        var parser = HTTPRequestParser()
        #expect(!parser.hasPartialRequest)
        parser.append(Array("GET / HT".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialRequest)
        parser.append(Array("TP/1.1\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab".utf8))
        #expect(try parser.next()?.method == .get)
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialRequest, "body still missing")
        parser.append(Array("cd\r\n".utf8))
        #expect(try parser.next()?.body == Array("abcd".utf8))
        #expect(try parser.next() == nil)
        #expect(!parser.hasPartialRequest, "a trailing empty line is not a request")
    }

    @Test func bufferedBytesAfterAnUpgradeCanBeTaken() throws {
        var parser = HTTPRequestParser()
        let frame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        parser.append(Array("GET /1.0/events HTTP/1.1\r\nUpgrade: websocket\r\n\r\n".utf8) + frame)
        #expect(try parser.next()?.target == "/1.0/events")
        #expect(parser.bufferedByteCount == frame.count)
        #expect(parser.takeBufferedBytes() == frame)
        #expect(parser.bufferedByteCount == 0)
    }
}
