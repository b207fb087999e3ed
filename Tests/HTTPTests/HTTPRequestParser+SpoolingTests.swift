import HTTP
import Synchronization
import Testing

/// A sink that keeps what it is given, for checking what the parser passes on.
final class RecordingSink: HTTPBodySink {
    let maxBytes: Int
    let failAfter: Int?
    private let state = Mutex<(bytes: [UInt8], writes: Int, finished: Bool, discarded: Bool)>(([], 0, false, false))

    init(maxBytes: Int, failAfter: Int? = nil) {
        self.maxBytes = maxBytes
        self.failAfter = failAfter
    }

    var bytes: [UInt8] { state.withLock { $0.bytes } }
    var writes: Int { state.withLock { $0.writes } }
    var finished: Bool { state.withLock { $0.finished } }
    var discarded: Bool { state.withLock { $0.discarded } }

    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPParserError) {
        let stored = state.withLock { state -> Bool in
            if let failAfter, state.bytes.count + bytes.count > failAfter { return false }
            state.bytes += bytes
            state.writes += 1
            return true
        }
        if !stored { throw .bodyNotStored(reason: "disk full") }
    }

    func finish() throws(HTTPParserError) -> HTTPSpooledBody {
        state.withLock { $0.finished = true }
        return HTTPSpooledBody(path: "/spool/1", byteCount: bytes.count)
    }

    func discard() { state.withLock { $0.discarded = true } }
}

@Suite struct HTTPRequestParserSpoolingTests {
    /// A parser whose POSTs to /upload go to `sink`.
    static func parser(_ sink: RecordingSink, limits: HTTPParserLimits = .init(maxBodyBytes: 8)) -> HTTPRequestParser {
        var parser = HTTPRequestParser(limits: limits)
        parser.bodySinkProvider = { method, target, _ in method == .post && target == "/upload" ? sink : nil }
        return parser
    }

    @Test func aFixedLengthBodyGoesToTheSinkAsItArrivesBeyondTheMemoryLimit() throws {
        let sink = RecordingSink(maxBytes: 1000)
        var parser = Self.parser(sink)
        let body = (0..<100).map { UInt8($0) }
        parser.append(Array("POST /upload HTTP/1.1\r\nContent-Length: 100\r\n\r\n".utf8) + body[0..<30])
        #expect(try parser.next() == nil)
        // What arrived is passed on at once, not held until the end.
        #expect(sink.bytes == Array(body[0..<30]))
        #expect(parser.bufferedByteCount == 0)
        parser.append(Array(body[30...]) + Array("GET /next HTTP/1.1\r\n\r\n".utf8))
        let request = try #require(try parser.next())
        #expect(request.body == [] && request.spooledBody == HTTPSpooledBody(path: "/spool/1", byteCount: 100))
        #expect(sink.bytes == body && sink.finished && !sink.discarded)
        // The pipelined request after it parses as usual, in memory.
        let next = try #require(try parser.next())
        #expect(next.target == "/next" && next.spooledBody == nil)
    }

    @Test func aChunkedBodyGoesToTheSinkDechunked() throws {
        let sink = RecordingSink(maxBytes: 1000)
        var parser = Self.parser(sink)
        parser.append(
            Array(
                "POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".utf8
            ))
        let request = try #require(try parser.next())
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "hello world")
        #expect(request.spooledBody?.byteCount == 11 && request.body == [])
    }

    @Test func otherRequestsKeepTheMemoryLimit() throws {
        let sink = RecordingSink(maxBytes: 1000)
        var parser = Self.parser(sink)
        parser.append(Array("POST /other HTTP/1.1\r\nContent-Length: 9\r\n\r\n".utf8))
        #expect(throws: HTTPParserError.bodyTooLarge(limit: 8)) { try parser.next() }
        #expect(sink.writes == 0)
        var small = Self.parser(sink)
        small.append(Array("POST /other HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc".utf8))
        #expect(try small.next()?.body == Array("abc".utf8))
    }

    @Test func aBodyOverTheSinksLimitIsRefusedAndDiscarded() throws {
        let sink = RecordingSink(maxBytes: 10)
        var parser = Self.parser(sink)
        parser.append(Array("POST /upload HTTP/1.1\r\nContent-Length: 11\r\n\r\n".utf8))
        #expect(throws: HTTPParserError.bodyTooLarge(limit: 10)) { try parser.next() }
        #expect(sink.discarded && sink.writes == 0)

        let chunked = RecordingSink(maxBytes: 10)
        var second = Self.parser(chunked)
        second.append(Array("POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n".utf8))
        #expect(throws: HTTPParserError.bodyTooLarge(limit: 10)) { try second.next() }
        #expect(chunked.discarded && chunked.bytes == Array("abcdef".utf8))
    }

    @Test func aSinkThatCannotStoreFailsTheRequestWith500() throws {
        let sink = RecordingSink(maxBytes: 1000, failAfter: 4)
        var parser = Self.parser(sink)
        parser.append(Array("POST /upload HTTP/1.1\r\nContent-Length: 6\r\n\r\nabcdef".utf8))
        #expect(throws: HTTPParserError.bodyNotStored(reason: "disk full")) { try parser.next() }
        #expect(sink.discarded)
        #expect(HTTPParserError.bodyNotStored(reason: "x").status == .internalServerError)
    }

    @Test func abandoningAConnectionMidBodyDiscardsWhatWasStored() throws {
        let sink = RecordingSink(maxBytes: 1000)
        var parser = Self.parser(sink)
        parser.append(Array("POST /upload HTTP/1.1\r\nContent-Length: 50\r\n\r\nabc".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.isReadingBody)
        parser.abandon()
        #expect(sink.discarded && !sink.finished)
    }
}
