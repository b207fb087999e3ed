import Foundation
import HTTP

/// Parses HTTP/1.1 responses out of what a test client receives, however it receives it (a plain
/// socket for `RawClient`, a TLS session for `TLSTestClient`).
struct HTTPResponseReader {
    enum Failure: Error {
        /// The input ended before the response did.
        case closed
        case malformed(String)
    }

    /// Received bytes not yet consumed.
    var buffer: [UInt8] = []

    /// Receives more input into `buffer` through `receive` (nil at end of input); false at the end.
    /// `receive` throws its client's own errors (a timeout).
    mutating func fill(_ receive: () throws -> [UInt8]?) throws -> Bool {
        guard let bytes = try receive() else { return false }
        buffer += bytes
        return true
    }

    mutating func readBytes(_ count: Int, _ receive: () throws -> [UInt8]?) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill(receive) else { throw Failure.closed }
        }
        let bytes = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return bytes
    }

    mutating func readLine(_ receive: () throws -> [UInt8]?) throws -> String {
        while true {
            if let index = buffer.firstIndex(of: 0x0A), index > 0, buffer[index - 1] == 0x0D {
                let line = String(decoding: buffer[0..<(index - 1)], as: UTF8.self)
                buffer.removeFirst(index + 1)
                return line
            }
            guard try fill(receive) else { throw Failure.closed }
        }
    }

    /// Reads one response (Content-Length or chunked body; none for HEAD, 100 and 101).
    mutating func readResponse(headOnly: Bool, _ receive: () throws -> [UInt8]?) throws -> RawClient.Response {
        let statusLine = try readLine(receive)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure.malformed(statusLine) }
        var headers = HTTPHeaders()
        while true {
            let line = try readLine(receive)
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed(line) }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        if headOnly || status == 101 || status == 100 {
            return RawClient.Response(status: status, headers: headers, body: [])
        }
        var body: [UInt8] = []
        if let length = headers["Content-Length"].flatMap({ Int($0) }) {
            body = try readBytes(length, receive)
        } else if headers["Transfer-Encoding"] == "chunked" {
            while true {
                let sizeLine = try readLine(receive)
                guard let size = Int(sizeLine, radix: 16) else { throw Failure.malformed(sizeLine) }
                if size == 0 {
                    _ = try readLine(receive)
                    break
                }
                body += try readBytes(size, receive)
                _ = try readLine(receive)
            }
        }
        return RawClient.Response(status: status, headers: headers, body: body)
    }
}
