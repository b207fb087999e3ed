/// Writes HTTP/1.1 responses (RFC 9112 §4, §6) into a byte buffer.
///
/// The encoder owns message framing: it writes `Content-Length` or `Transfer-Encoding: chunked`
/// itself and drops any such field the caller put in the headers, so a handler can never send a
/// response whose framing disagrees with its body. It also refuses to write bytes that would
/// split a response: control characters in values and reason phrases become spaces, and fields
/// whose names are not tokens are dropped (RFC 9110 §5.1, §5.5).
public enum HTTPResponseEncoder {
    /// Writes the status line and header section.
    ///
    /// - Parameters:
    ///   - status: The status; common codes with their standard reason use a precomputed line.
    ///   - headers: The caller's fields, written in order, except `Content-Length` and
    ///     `Transfer-Encoding`, which this function writes from `contentLength` and `chunked`.
    ///   - contentLength: Written as `Content-Length` when not nil and `chunked` is false.
    ///   - chunked: Writes `Transfer-Encoding: chunked` (RFC 9112 §7.1); follow with
    ///     ``writeChunk(_:into:)-([UInt8],_)`` and ``writeFinalChunk(into:)``.
    ///   - keepAlive: When false, writes `Connection: close` (RFC 9112 §9.6) unless the caller's
    ///     `Connection` field already says `close`.
    ///   - date: The `Date` value (RFC 9110 §6.6.1), normally from ``HTTPDate/imfFixdate(epochSeconds:)``;
    ///     skipped when the caller's headers carry their own `Date`.
    ///   - buffer: The bytes are appended here.
    public static func writeHead(
        status: HTTPStatus, headers: HTTPHeaders, contentLength: Int?, chunked: Bool, keepAlive: Bool,
        date: String, into buffer: inout [UInt8]
    ) {
        writeStatusLine(status, into: &buffer)
        var hasDate = false
        var saysClose = false
        for field in headers.fields {
            let kind = fieldKind(field.name)
            switch kind {
            case .invalid, .framing: continue
            case .date: hasDate = true
            case .connection:
                saysClose =
                    saysClose
                    || field.value.split(separator: ",").contains { HTTPHeaders.namesEqual($0.trimmingSpaces, "close") }
            case .other: break
            }
            append(field.name, into: &buffer)
            append(": ", into: &buffer)
            appendSanitized(field.value, into: &buffer)
            append("\r\n", into: &buffer)
        }
        if !hasDate {
            append("Date: ", into: &buffer)
            appendSanitized(date, into: &buffer)
            append("\r\n", into: &buffer)
        }
        if chunked {
            append("Transfer-Encoding: chunked\r\n", into: &buffer)
        } else if let contentLength {
            append("Content-Length: ", into: &buffer)
            appendDecimal(max(contentLength, 0), into: &buffer)
            append("\r\n", into: &buffer)
        }
        if !keepAlive && !saysClose {
            append("Connection: close\r\n", into: &buffer)
        }
        append("\r\n", into: &buffer)
    }

    /// Writes a whole response with `Content-Length` framing.
    ///
    /// 1xx, 204 and 304 responses get neither a `Content-Length` nor a body (RFC 9110 §6.4.1,
    /// §8.6). With `headOnly` (the answer to a HEAD request, RFC 9110 §9.3.2) the head announces
    /// the body's length but the body is not written.
    public static func write(
        _ response: HTTPResponse, keepAlive: Bool, date: String, headOnly: Bool = false, into buffer: inout [UInt8]
    ) {
        let code = response.status.code
        let bodyAllowed = !((100...199).contains(code) || code == 204 || code == 304)
        writeHead(
            status: response.status, headers: response.headers, contentLength: bodyAllowed ? response.body.count : nil,
            chunked: false, keepAlive: keepAlive, date: date, into: &buffer)
        if bodyAllowed && !headOnly {
            buffer.append(contentsOf: response.body)
        }
    }

    /// Writes one chunk: `size-in-hex CRLF data CRLF` (RFC 9112 §7.1). An empty `bytes` writes
    /// nothing, because an empty chunk would end the body.
    public static func writeChunk(_ bytes: [UInt8], into buffer: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        writeChunkSize(bytes.count, into: &buffer)
        buffer.append(contentsOf: bytes)
        append("\r\n", into: &buffer)
    }

    /// Writes one chunk from raw memory; see ``writeChunk(_:into:)-([UInt8],_)``.
    public static func writeChunk(_ bytes: UnsafeRawBufferPointer, into buffer: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        writeChunkSize(bytes.count, into: &buffer)
        buffer.append(contentsOf: bytes)
        append("\r\n", into: &buffer)
    }

    /// Writes the last chunk and an empty trailer section: `0 CRLF CRLF` (RFC 9112 §7.1).
    public static func writeFinalChunk(into buffer: inout [UInt8]) {
        append("0\r\n\r\n", into: &buffer)
    }

    // MARK: - Pieces

    private static func writeChunkSize(_ size: Int, into buffer: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        var shift = (Int.bitWidth - size.leadingZeroBitCount + 3) / 4 * 4 - 4
        while shift >= 0 {
            buffer.append(digits.utf8Start[(size >> shift) & 0xF])
            shift -= 4
        }
        append("\r\n", into: &buffer)
    }

    private static func writeStatusLine(_ status: HTTPStatus, into buffer: inout [UInt8]) {
        if let line = statusLine(status.code), reason(of: line).elementsEqual(status.reasonPhrase.utf8) {
            buffer.append(contentsOf: UnsafeBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount))
            return
        }
        append("HTTP/1.1 ", into: &buffer)
        let code = min(max(status.code, 0), 999)
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + code / 100))
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + code / 10 % 10))
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + code % 10))
        buffer.append(ASCII.space)
        appendSanitized(status.reasonPhrase, into: &buffer)
        append("\r\n", into: &buffer)
    }

    /// The reason phrase inside a precomputed status line: after `HTTP/1.1 NNN `, before CRLF.
    private static func reason(of line: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: line.utf8Start + 13, count: line.utf8CodeUnitCount - 15)
    }

    /// Precomputed status lines for the codes Berth sends most.
    private static func statusLine(_ code: Int) -> StaticString? {
        switch code {
        case 100: "HTTP/1.1 100 Continue\r\n"
        case 101: "HTTP/1.1 101 Switching Protocols\r\n"
        case 200: "HTTP/1.1 200 OK\r\n"
        case 201: "HTTP/1.1 201 Created\r\n"
        case 202: "HTTP/1.1 202 Accepted\r\n"
        case 204: "HTTP/1.1 204 No Content\r\n"
        case 304: "HTTP/1.1 304 Not Modified\r\n"
        case 400: "HTTP/1.1 400 Bad Request\r\n"
        case 401: "HTTP/1.1 401 Unauthorized\r\n"
        case 403: "HTTP/1.1 403 Forbidden\r\n"
        case 404: "HTTP/1.1 404 Not Found\r\n"
        case 405: "HTTP/1.1 405 Method Not Allowed\r\n"
        case 408: "HTTP/1.1 408 Request Timeout\r\n"
        case 409: "HTTP/1.1 409 Conflict\r\n"
        case 412: "HTTP/1.1 412 Precondition Failed\r\n"
        case 413: "HTTP/1.1 413 Content Too Large\r\n"
        case 431: "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        case 500: "HTTP/1.1 500 Internal Server Error\r\n"
        case 501: "HTTP/1.1 501 Not Implemented\r\n"
        case 503: "HTTP/1.1 503 Service Unavailable\r\n"
        case 505: "HTTP/1.1 505 HTTP Version Not Supported\r\n"
        default: nil
        }
    }

    private enum FieldKind {
        case invalid, framing, date, connection, other
    }

    /// Classifies a caller-supplied field name by the few names the encoder treats specially.
    private static func fieldKind(_ name: String) -> FieldKind {
        var name = name
        return name.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.allSatisfy(ASCII.isTokenChar) else { return .invalid }
            switch bytes.count {
            case 4 where ASCII.equalsLowercase(bytes, "date"): return .date
            case 10 where ASCII.equalsLowercase(bytes, "connection"): return .connection
            case 14 where ASCII.equalsLowercase(bytes, "content-length"): return .framing
            case 17 where ASCII.equalsLowercase(bytes, "transfer-encoding"): return .framing
            default: return .other
            }
        }
    }

    @inline(__always)
    private static func append(_ literal: StaticString, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    private static func append(_ string: String, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: string.utf8)
    }

    /// Appends `string`, turning NUL, CR, LF, the other C0 controls except HTAB, and DEL into
    /// spaces so that no value can end the line it is on.
    private static func appendSanitized(_ string: String, into buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: string.utf8)
        for i in start..<buffer.count where !ASCII.isFieldValueByte(buffer[i]) {
            buffer[i] = ASCII.space
        }
    }

    private static func appendDecimal(_ value: Int, into buffer: inout [UInt8]) {
        guard value >= 10 else {
            buffer.append(UInt8(truncatingIfNeeded: 0x30 + value))
            return
        }
        appendDecimal(value / 10, into: &buffer)
        buffer.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }
}
