/// An incremental HTTP/1.1 request parser (RFC 9112) for one connection.
///
/// Feed it bytes as they arrive with ``append(_:)-(UnsafeRawBufferPointer)`` and call ``next()``
/// until it returns nil; each call returns one complete request, so pipelined requests
/// (RFC 9112 §9.3.2) come out one after the other. The parser does no I/O and never blocks.
///
/// It is deliberately strict, because a server that reads framing differently from a proxy in
/// front of it can be smuggled requests (RFC 9112 §11.2):
/// - lines end in CRLF; a bare LF is an error (RFC 9112 §2.2);
/// - one empty line before a request is skipped, as RFC 9112 §2.2 asks, but no more;
/// - obsolete line folding, whitespace before a field's colon and control bytes in field values
///   are errors (RFC 9112 §5.1, §5.2; RFC 9110 §5.5);
/// - the body is framed by `Transfer-Encoding: chunked` or by a digits-only `Content-Length`
///   whose repetitions agree; both at once is an error (RFC 9112 §6.3); a request with neither
///   has no body.
///
/// Limits (``HTTPParserLimits``) are checked while buffering, so a peer that never finishes its
/// head or announces a huge body is refused before the bytes are stored.
///
/// ```swift
/// parser.append(bytesRead)
/// while let request = try parser.next() { respond(to: request) }
/// ```
public struct HTTPRequestParser: Sendable {
    /// Where the parser is within the current request. The head, once parsed, rides along in the
    /// body states; the de-chunked body accumulates in ``body`` so that appending never copies it.
    enum State: Sendable {
        /// Waiting for the request line and header section.
        case head
        /// Waiting until `length` body bytes are buffered.
        case fixedBody(Head, length: Int)
        /// Passing the next `remaining` body bytes to ``sink`` as they arrive.
        case spooledBody(Head, remaining: Int)
        /// Waiting for a `chunk-size [chunk-ext] CRLF` line (RFC 9112 §7.1).
        case chunkSize(Head)
        /// Copying `remaining` bytes of chunk data.
        case chunkData(Head, remaining: Int)
        /// Waiting for the CRLF after chunk data.
        case chunkDataEnd(Head)
        /// Reading trailer field lines until the empty line (RFC 9112 §7.1.2).
        case trailers(Head)
        /// A request was malformed; the connection cannot be resynchronised.
        case failed(HTTPParserError)
    }

    /// A parsed request head waiting for its body.
    struct Head: Sendable {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
        var headers: HTTPHeaders
        var expectsContinue: Bool
    }

    /// How the body of a request is delimited (RFC 9112 §6.3).
    enum Framing {
        case none
        case length(Int)
        case chunked
    }

    /// The longest chunk-size line, extensions and CRLF included. RFC 9112 §7.1.1 lets a server
    /// limit extensions; nothing real sends more than a few bytes.
    static let maxChunkLineBytes = 4096

    public let limits: HTTPParserLimits
    var state: State = .head
    var input = InputBuffer()
    /// How many bytes after ``input.readIndex`` have already been searched for the end of the current
    /// line or head, so that a slow peer does not make the parser rescan (quadratic time).
    var scanned = 0
    /// Whether the single tolerated empty line before this request was consumed.
    var skippedEmptyLine = false
    var body: [UInt8] = []
    /// Body bytes taken so far for the current request, in ``body`` or in ``sink``.
    var bodyByteCount = 0
    /// Where the current request's body goes instead of ``body``, if the provider chose one.
    var sink: (any HTTPBodySink)?
    var trailerBytes = 0
    var expectContinue = false

    /// Chooses, from each request's head, a sink for its body; nil (or no provider) keeps the body
    /// in memory within ``limits``. Asked only for requests that have a body.
    public var bodySinkProvider:
        (@Sendable (_ method: HTTPMethod, _ target: String, _ headers: HTTPHeaders) -> (any HTTPBodySink)?)?

    public init(limits: HTTPParserLimits = .init()) {
        self.limits = limits
    }

    /// The connection is closing: a body being spooled is removed.
    public mutating func abandon() {
        sink?.discard()
        sink = nil
    }

    /// Buffers bytes read from the connection.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) { input.append(bytes) }

    /// Buffers bytes read from the connection.
    public mutating func append(_ bytes: [UInt8]) { input.append(bytes) }

    /// Whether some bytes of an unfinished request are buffered. The server uses it to choose
    /// between the header/body timeout (true) and the keep-alive idle timeout (false).
    public var hasPartialRequest: Bool {
        switch state {
        case .head: input.readIndex < input.bytes.count
        case .failed: false
        case .fixedBody, .spooledBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers: true
        }
    }

    /// Whether the current request's head has been parsed and its body is still arriving. The
    /// server uses it to apply a body timeout (progress-based) instead of the header timeout.
    public var isReadingBody: Bool {
        switch state {
        case .fixedBody, .spooledBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers: true
        case .head, .failed: false
        }
    }

    /// The number of bytes buffered and not yet returned as part of a request.
    public var bufferedByteCount: Int { input.readableCount }

    /// Removes and returns the buffered bytes that follow the last returned request. After a
    /// `101 Switching Protocols` response they belong to the new protocol (RFC 9110 §7.8).
    public mutating func takeBufferedBytes() -> [UInt8] {
        scanned = 0
        return input.takeRemaining()
    }

    /// Returns true, once, when the head of a request with `Expect: 100-continue` has been parsed
    /// and its body is not complete yet; the server should then write `HTTP/1.1 100 Continue`
    /// (RFC 9110 §10.1.1). The expectation is ignored for HTTP/1.0 requests, as that section
    /// requires, and for requests without a body.
    public mutating func takeExpectContinue() -> Bool {
        guard expectContinue else { return false }
        expectContinue = false
        return true
    }

    /// Returns the next complete request, or nil when more bytes are needed.
    ///
    /// Call it repeatedly after each ``append(_:)-(UnsafeRawBufferPointer)``: a input.bytes may hold
    /// several pipelined requests.
    /// - Throws: ``HTTPParserError`` when the bytes are not a valid request; the error's
    ///   ``HTTPParserError/status`` is the response to send before closing the connection. Every
    ///   later call throws the same error.
    public mutating func next() throws(HTTPParserError) -> HTTPRequest? {
        do throws(HTTPParserError) {
            return try step()
        } catch {
            state = .failed(error)
            expectContinue = false
            abandon()
            throw error
        }
    }

    private mutating func step() throws(HTTPParserError) -> HTTPRequest? {
        while true {
            switch state {
            case .failed(let error):
                throw error

            case .head:
                guard let (head, framing) = try readHead() else { return nil }
                switch framing {
                case .none, .length(0):
                    return complete(head, body: [])
                case .length(let length):
                    sink = bodySinkProvider?(head.method, head.target, head.headers)
                    guard length <= bodyLimit else { throw .bodyTooLarge(limit: bodyLimit) }
                    state = sink == nil ? .fixedBody(head, length: length) : .spooledBody(head, remaining: length)
                    expectContinue = head.expectsContinue
                case .chunked:
                    sink = bodySinkProvider?(head.method, head.target, head.headers)
                    state = .chunkSize(head)
                    expectContinue = head.expectsContinue
                }

            case .fixedBody(let head, let length):
                guard input.readableCount >= length else { return nil }
                let body = Array(input.bytes[input.readIndex..<input.readIndex + length])
                input.readIndex += length
                return complete(head, body: body)

            case .spooledBody(let head, let remaining):
                let count = min(input.readableCount, remaining)
                try takeBody(count)
                guard count == remaining else {
                    state = .spooledBody(head, remaining: remaining - count)
                    return nil
                }
                return try completeSpooled(head)

            case .chunkSize(let head):
                guard let line = try readLine(limit: Self.maxChunkLineBytes, tooLong: .invalidChunkedBody) else {
                    return nil
                }
                let size = try parseChunkSize(line)
                if size == 0 {
                    trailerBytes = 0
                    state = .trailers(head)
                } else {
                    guard size <= bodyLimit - bodyByteCount else { throw .bodyTooLarge(limit: bodyLimit) }
                    if sink == nil && body.isEmpty {
                        body.reserveCapacity(min(size, InputBuffer.retainedCapacity))
                    }
                    state = .chunkData(head, remaining: size)
                }

            case .chunkData(let head, let remaining):
                let count = min(input.readableCount, remaining)
                try takeBody(count)
                guard count == remaining else {
                    state = .chunkData(head, remaining: remaining - count)
                    return nil
                }
                state = .chunkDataEnd(head)

            case .chunkDataEnd(let head):
                let available = input.readableCount
                guard available > 0 else { return nil }
                guard input.bytes[input.readIndex] == ASCII.cr else {
                    throw input.bytes[input.readIndex] == ASCII.lf ? .bareLineFeed : .invalidChunkedBody
                }
                guard available > 1 else { return nil }
                guard input.bytes[input.readIndex + 1] == ASCII.lf else { throw .invalidChunkedBody }
                input.readIndex += 2
                state = .chunkSize(head)

            case .trailers(let head):
                let budget = limits.maxHeaderBytes - trailerBytes
                guard let line = try readLine(limit: budget, tooLong: .headersTooLarge(limit: limits.maxHeaderBytes))
                else { return nil }
                trailerBytes += line.count + 2
                if line.isEmpty {
                    if sink != nil { return try completeSpooled(head) }
                    let body = self.body
                    self.body = []
                    return complete(head, body: body)
                }
                // Trailer fields are checked like header fields, then dropped: nothing in Berth
                // reads them, and merging them into the headers is what RFC 9110 §6.5.1 warns against.
                try input.bytes.withUnsafeBufferPointer { (bytes) throws(HTTPParserError) in
                    _ = try Self.parseField(UnsafeBufferPointer(rebasing: bytes[line]))
                }
            }
        }
    }

    /// The body limit of the current request: its sink's, or the in-memory one.
    private var bodyLimit: Int { sink?.maxBytes ?? limits.maxBodyBytes }

    /// Moves `count` buffered body bytes into the sink or into ``body``.
    private mutating func takeBody(_ count: Int) throws(HTTPParserError) {
        guard count > 0 else { return }
        let range = input.readIndex..<input.readIndex + count
        if let sink {
            // Array's closures rethrow untyped errors; the parser's errors are typed.
            let failure = input.bytes.withUnsafeBytes { bytes -> HTTPParserError? in
                do throws(HTTPParserError) {
                    try sink.write(UnsafeRawBufferPointer(rebasing: bytes[range]))
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
        } else {
            body.append(contentsOf: input.bytes[range])
        }
        input.readIndex += count
        bodyByteCount += count
    }

    /// Finishes the sink's file and builds the request that carries it.
    private mutating func completeSpooled(_ head: Head) throws(HTTPParserError) -> HTTPRequest {
        guard let sink else { return complete(head, body: []) }
        var request = complete(head, body: [])
        request.spooledBody = try sink.finish()
        return request
    }

    /// Resets the per-request state and builds the request.
    private mutating func complete(_ head: Head, body: [UInt8]) -> HTTPRequest {
        state = .head
        scanned = 0
        skippedEmptyLine = false
        expectContinue = false
        bodyByteCount = 0
        sink = nil
        return HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: body)
    }

    // MARK: - Lines

    /// Finds the next CRLF-terminated line no longer than `limit` bytes (CRLF included), consumes
    /// it and returns the range of its content in `input.bytes`; nil when the line is not complete.
    private mutating func readLine(limit: Int, tooLong: HTTPParserError) throws(HTTPParserError) -> Range<Int>? {
        let start = input.readIndex
        let end = min(input.bytes.count, start + max(limit, 0))
        let found = try input.bytes.withUnsafeBufferPointer { (bytes) throws(HTTPParserError) -> Int? in
            var i = start + scanned
            while i < end {
                if bytes[i] == ASCII.lf {
                    guard i > start && bytes[i - 1] == ASCII.cr else { throw .bareLineFeed }
                    return i
                }
                i += 1
            }
            return nil
        }
        guard let lf = found else {
            scanned = end - start
            if end - start >= limit { throw tooLong }
            return nil
        }
        scanned = 0
        input.readIndex = lf + 1
        return start..<(lf - 1)
    }

    // MARK: - Head

    /// Waits for a complete head (request line, fields, empty line), parses it and consumes it.
    private mutating func readHead() throws(HTTPParserError) -> (Head, Framing)? {
        // RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line SHOULD
        // ignore at least one empty line (CRLF) received prior to the request-line".
        if scanned == 0 && !skippedEmptyLine && input.readIndex < input.bytes.count
            && input.bytes[input.readIndex] == ASCII.cr
        {
            guard input.readIndex + 1 < input.bytes.count else { return nil }
            if input.bytes[input.readIndex + 1] == ASCII.lf {
                input.readIndex += 2
                skippedEmptyLine = true
            }
        }
        let start = input.readIndex
        let limit = limits.maxHeaderBytes
        let end = min(input.bytes.count, start + max(limit, 0))
        let resume = start + scanned
        let parsed = try input.bytes.withUnsafeBufferPointer {
            (bytes) throws(HTTPParserError) -> (Head, Framing, Int)? in
            var i = resume
            while i < end {
                if bytes[i] == ASCII.lf {
                    guard i > start && bytes[i - 1] == ASCII.cr else { throw .bareLineFeed }
                    if i - start >= 3 && bytes[i - 2] == ASCII.lf {
                        let head = UnsafeBufferPointer(rebasing: bytes[start..<(i + 1)])
                        let (parsed, framing) = try Self.parseHead(head)
                        return (parsed, framing, i + 1)
                    }
                }
                i += 1
            }
            return nil
        }
        guard let (head, framing, next) = parsed else {
            scanned = end - start
            if end - start >= limit { throw .headersTooLarge(limit: limit) }
            return nil
        }
        input.readIndex = next
        scanned = 0
        return (head, framing)
    }

    /// Parses a whole head, `bytes` ending in CRLF CRLF.
    static func parseHead(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParserError) -> (Head, Framing) {
        // Every LF in `bytes` is known to follow a CR, so lines split on LF and drop one byte.
        var lineEnd = 0
        while bytes[lineEnd] != ASCII.lf { lineEnd += 1 }
        let (method, target, version) = try parseRequestLine(UnsafeBufferPointer(rebasing: bytes[0..<(lineEnd - 1)]))

        var fields: [HTTPHeaders.Field] = []
        fields.reserveCapacity(12)
        var contentLength: Int?
        var transferCodings = TransferCodings()
        var sawExpect = false

        var lineStart = lineEnd + 1
        while true {
            var i = lineStart
            while bytes[i] != ASCII.lf { i += 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<(i - 1)])
            lineStart = i + 1
            if line.isEmpty { break }

            let (name, value) = try parseField(line)
            switch name.count {
            case 14 where ASCII.equalsLowercase(name, "content-length"):
                let length = try parseContentLength(value)
                if let previous = contentLength, previous != length { throw .invalidContentLength }
                contentLength = length
            case 17 where ASCII.equalsLowercase(name, "transfer-encoding"):
                transferCodings.add(value)
            case 6 where ASCII.equalsLowercase(name, "expect"):
                sawExpect = true
            default:
                break
            }
            fields.append((name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        }

        let headers = HTTPHeaders(fields)
        let framing: Framing
        if transferCodings.present {
            guard contentLength == nil else { throw .conflictingFraming }
            guard version == .http1_1 else { throw .invalidTransferEncoding }
            if let unsupported = transferCodings.unsupported { throw .unsupportedTransferEncoding(unsupported) }
            guard transferCodings.chunkedCount == 1 && transferCodings.lastIsChunked else {
                throw .invalidTransferEncoding
            }
            framing = .chunked
        } else if let contentLength {
            // Checked against the limit once the body's sink (if any) is known.
            framing = .length(contentLength)
        } else {
            framing = .none
        }
        let expectsContinue =
            sawExpect && version == .http1_1 && headers.containsToken("100-continue", in: "Expect")
        return (
            Head(method: method, target: target, version: version, headers: headers, expectsContinue: expectsContinue),
            framing
        )
    }

    /// Parses `method SP request-target SP HTTP-version` (RFC 9112 §3), the CRLF already removed.
    static func parseRequestLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParserError) -> (HTTPMethod, String, HTTPVersion) {
        let end = line.endIndex
        var i = line.startIndex
        while i < end && ASCII.isTokenChar(line[i]) { i += 1 }
        guard i > line.startIndex, i < end, line[i] == ASCII.space else { throw .invalidRequestLine }
        let methodBytes = UnsafeBufferPointer(rebasing: line[line.startIndex..<i])

        i += 1
        let targetStart = i
        while i < end && ASCII.isTargetByte(line[i]) { i += 1 }
        guard i > targetStart, i < end else { throw .invalidRequestLine }
        guard line[i] == ASCII.space else { throw .invalidTarget }
        let targetBytes = UnsafeBufferPointer(rebasing: line[targetStart..<i])
        let version = try parseVersion(UnsafeBufferPointer(rebasing: line[(i + 1)..<end]))

        let method = knownMethod(methodBytes) ?? HTTPMethod(rawValue: String(decoding: methodBytes, as: UTF8.self))
        if targetBytes[targetBytes.startIndex] != ASCII.slash {
            guard targetBytes.count == 1, targetBytes[targetBytes.startIndex] == ASCII.asterisk, method == .options
            else { throw .invalidTarget }
        }
        return (method, String(decoding: targetBytes, as: UTF8.self), version)
    }

    /// The shared constant for the methods Berth routes, so the common case allocates nothing.
    private static func knownMethod(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod? {
        func equals(_ literal: StaticString) -> Bool {
            bytes.count == literal.utf8CodeUnitCount
                && bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }
        switch bytes.count {
        case 3: return equals("GET") ? .get : equals("PUT") ? .put : nil
        case 4: return equals("POST") ? .post : equals("HEAD") ? .head : nil
        case 5: return equals("PATCH") ? .patch : nil
        case 6: return equals("DELETE") ? .delete : nil
        case 7: return equals("OPTIONS") ? .options : nil
        default: return nil
        }
    }

    /// Parses `HTTP/DIGIT.DIGIT` (RFC 9112 §2.3). Major versions other than 1 are answered with
    /// 505; anything that is not a version at all is a malformed request line. Up to four digits
    /// per number are accepted as well formed, so that `HTTP/10.0` gets the more helpful 505.
    /// A higher HTTP/1 minor version is served as HTTP/1.1, as RFC 9110 §2.5 asks ("SHOULD
    /// process the message as if it were in the highest minor version within that major version").
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> HTTPVersion {
        let prefix: StaticString = "HTTP/"
        guard bytes.count >= 8,
            bytes.prefix(5).elementsEqual(UnsafeBufferPointer(start: prefix.utf8Start, count: 5))
        else { throw .invalidRequestLine }
        var i = bytes.startIndex + 5
        func number() -> Int? {
            let start = i
            var value = 0
            while i < bytes.endIndex, bytes[i] >= 0x30 && bytes[i] <= 0x39, i - start < 4 {
                value = value * 10 + Int(bytes[i] - 0x30)
                i += 1
            }
            return i > start ? value : nil
        }
        guard let major = number(), i < bytes.endIndex, bytes[i] == 0x2E else { throw .invalidRequestLine }
        i += 1
        guard let minor = number(), i == bytes.endIndex else { throw .invalidRequestLine }
        guard major == 1 else { throw .unsupportedVersion(major: major, minor: minor) }
        return minor == 0 ? .http1_0 : .http1_1
    }

    /// Splits `name ":" OWS value OWS` (RFC 9112 §5) and checks both parts.
    static func parseField(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParserError) -> (name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let end = line.endIndex
        var i = line.startIndex
        guard i < end, !ASCII.isWhitespace(line[i]) else { throw .obsoleteLineFolding }
        while i < end && ASCII.isTokenChar(line[i]) { i += 1 }
        guard i > line.startIndex, i < end, line[i] == ASCII.colon else { throw .invalidHeaderName }
        let name = UnsafeBufferPointer(rebasing: line[line.startIndex..<i])

        i += 1
        while i < end && ASCII.isWhitespace(line[i]) { i += 1 }
        var valueEnd = end
        while valueEnd > i && ASCII.isWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
        for j in i..<valueEnd where !ASCII.isFieldValueByte(line[j]) {
            throw .invalidHeaderValue(name: String(decoding: name, as: UTF8.self))
        }
        return (name, UnsafeBufferPointer(rebasing: line[i..<valueEnd]))
    }

    /// Parses a Content-Length value: one or more digits (RFC 9110 §8.6). Values too large for the
    /// arithmetic saturate at `Int.max`, which any body limit then rejects with 413.
    static func parseContentLength(_ value: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> Int {
        guard !value.isEmpty else { throw .invalidContentLength }
        var length = 0
        for byte in value {
            guard byte >= 0x30 && byte <= 0x39 else { throw .invalidContentLength }
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            length = overflow1 || overflow2 ? Int.max : sum
        }
        return length
    }

    /// The transfer codings of a request, accumulated over every `Transfer-Encoding` field
    /// (RFC 9112 §6.1; a list split over several fields is one list, RFC 9110 §5.3).
    struct TransferCodings {
        var present = false
        var chunkedCount = 0
        var lastIsChunked = false
        var unsupported: String?

        mutating func add(_ value: UnsafeBufferPointer<UInt8>) {
            present = true
            var start = value.startIndex
            while start <= value.endIndex {
                var end = start
                while end < value.endIndex && value[end] != 0x2C { end += 1 }
                var a = start
                var b = end
                while a < b && ASCII.isWhitespace(value[a]) { a += 1 }
                while b > a && ASCII.isWhitespace(value[b - 1]) { b -= 1 }
                // Empty list elements are ignored (RFC 9110 §5.6.1.2).
                if a < b {
                    let coding = UnsafeBufferPointer(rebasing: value[a..<b])
                    if ASCII.equalsLowercase(coding, "chunked") {
                        chunkedCount += 1
                        lastIsChunked = true
                    } else {
                        lastIsChunked = false
                        if unsupported == nil {
                            unsupported = String(decoding: coding.prefix(32), as: UTF8.self)
                        }
                    }
                }
                start = end + 1
            }
        }
    }

    // MARK: - Chunked body

    /// Parses `chunk-size [ BWS ";" chunk-ext ]` (RFC 9112 §7.1, §7.1.1); extensions are ignored.
    private func parseChunkSize(_ line: Range<Int>) throws(HTTPParserError) -> Int {
        try input.bytes.withUnsafeBufferPointer { (bytes) throws(HTTPParserError) -> Int in
            var i = line.lowerBound
            var size = 0
            while i < line.upperBound, let digit = ASCII.hexValue(bytes[i]) {
                guard size <= (Int.max - digit) >> 4 else { throw .invalidChunkedBody }
                size = size << 4 | digit
                i += 1
            }
            guard i > line.lowerBound else { throw .invalidChunkedBody }
            while i < line.upperBound && ASCII.isWhitespace(bytes[i]) { i += 1 }
            guard i == line.upperBound || bytes[i] == ASCII.semicolon else { throw .invalidChunkedBody }
            while i < line.upperBound {
                guard ASCII.isFieldValueByte(bytes[i]) else { throw .invalidChunkedBody }
                i += 1
            }
            return size
        }
    }
}
