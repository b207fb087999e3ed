import HTTP
import JSON

/// libFuzzer entry point (see scripts/fuzz.sh). The first byte picks the code under test; the
/// rest is its input. Besides "never trap", each path checks a differential property: feeding
/// the same bytes in pieces must give exactly what feeding them whole gives, or (JSON) encoding
/// what was parsed must parse back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let split = splitPoints(input)
    switch data[0] % 5 {
    case 0:
        let whole = parseHTTP(input, pieces: [])
        let pieces = parseHTTP(input, pieces: split)
        if whole != pieces { fatalError("split HTTP input parsed differently: \(whole) vs \(pieces)") }
    case 1:
        let whole = decodeWebSocket(input, pieces: [], server: true)
        let pieces = decodeWebSocket(input, pieces: split, server: true)
        if whole != pieces { fatalError("split WebSocket input decoded differently: \(whole) vs \(pieces)") }
    case 2:
        _ = decodeWebSocket(input, pieces: split, server: false)
    case 3:
        handshake(input)
    default:
        json(input)
    }
    return 0
}

/// What a parse produced: the requests, then the error that stopped it, if any.
struct HTTPOutcome: Equatable {
    var requests: [HTTPRequest] = []
    var error: HTTPParserError?
    var expectContinueSeen = false
}

/// Two cut points derived from the input (FNV-1a), so each input is split the same way every run.
func splitPoints(_ input: UnsafeBufferPointer<UInt8>) -> [Int] {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in input { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let count = UInt64(input.count) &+ 1
    let a = Int(hash % count)
    let b = Int((hash >> 32) % count)
    return [min(a, b), max(a, b)]
}

/// Feeds `input` to a parser, whole or cut at `pieces`, draining `next()` after every append.
func parseHTTP(_ input: UnsafeBufferPointer<UInt8>, pieces: [Int]) -> HTTPOutcome {
    var parser = HTTPRequestParser(limits: HTTPParserLimits(maxHeaderBytes: 2048, maxBodyBytes: 4096))
    // POSTs to /spool take the spooling path, so that it too must parse the same however split.
    parser.bodySinkProvider = { method, target, _ in
        method == .post && target.hasPrefix("/spool") ? DigestSink(maxBytes: 8192) : nil
    }
    var outcome = HTTPOutcome()
    var start = 0
    for end in pieces + [input.count] where end >= start {
        parser.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[start..<end])))
        start = end
        do throws(HTTPParserError) {
            while let request = try parser.next() {
                outcome.requests.append(request)
                // Exercise the helpers on every request; their results are not compared.
                _ = request.queryItems
                _ = request.pathComponents
                _ = request.keepAlive
                _ = try? WebSocketHandshake.validate(request)
            }
        } catch {
            outcome.error = error
            _ = error.message
            _ = error.status
            return outcome
        }
        _ = parser.hasPartialRequest
        // A partially received body may or may not be announced depending on the split, so this
        // only feeds the flag through; it is not part of the comparison.
        _ = parser.takeExpectContinue()
    }
    return outcome
}

struct WebSocketOutcome: Equatable {
    var frames: [WebSocketFrame] = []
    var events: [WebSocketEvent] = []
    var error: WebSocketError?
}

func decodeWebSocket(_ input: UnsafeBufferPointer<UInt8>, pieces: [Int], server: Bool) -> WebSocketOutcome {
    var decoder = WebSocketFrameDecoder(maxFrameSize: 1 << 16, requireMaskedFrames: server)
    var assembler = WebSocketMessageAssembler(maxMessageSize: 1 << 17)
    var outcome = WebSocketOutcome()
    var start = 0
    for end in pieces + [input.count] where end >= start {
        decoder.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[start..<end])))
        start = end
        do throws(WebSocketError) {
            while let frame = try decoder.next() {
                outcome.frames.append(frame)
                if let event = try assembler.push(frame) { outcome.events.append(event) }
                // Round trip: re-encoding a decoded frame and decoding it again is the identity.
                var encoded: [UInt8] = []
                WebSocketFrameEncoder.encode(frame, maskingKey: server ? (1, 2, 3, 4) : nil, into: &encoded)
                var again = WebSocketFrameDecoder(maxFrameSize: 1 << 16, requireMaskedFrames: server)
                again.append(encoded)
                if (try? again.next()) != frame { fatalError("WebSocket frame did not round-trip: \(frame)") }
            }
        } catch {
            outcome.error = error
            _ = error.closeCode
            return outcome
        }
    }
    return outcome
}

/// Parses the input as a request (cut into lines so short inputs still make heads) and runs the
/// handshake validator on it, plus a synthesised request whose key is the raw input.
func handshake(_ input: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: input, as: UTF8.self)
    let synthetic = HTTPRequest(
        method: .get, target: "/ws",
        headers: [
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": text,
        ])
    if let accept = try? WebSocketHandshake.validate(synthetic) {
        _ = WebSocketHandshake.responseHeaders(accept: accept)
    }
    var parser = HTTPRequestParser()
    parser.append(UnsafeRawBufferPointer(input))
    if let request = try? parser.next() { _ = try? WebSocketHandshake.validate(request) }
    _ = PercentDecoding.decode(Substring(text), plusAsSpace: input.count % 2 == 0)
    var encoded: [UInt8] = []
    let seconds = Int(truncatingIfNeeded: input.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
    HTTPResponseEncoder.write(
        HTTPResponse(status: HTTPStatus(code: input.count % 600), headers: [text: text], body: Array(input)),
        keepAlive: input.count % 3 == 0, date: HTTPDate.imfFixdate(epochSeconds: seconds), into: &encoded)
}

/// Parses the input as JSON. What parses must survive the encoder: parsing the encoding gives the
/// same value (up to number kind: an integral double below 1e15 is written as an integer) and
/// encoding that is a fixed point. A tighter depth limit must refuse exactly the values nested
/// deeper than it, the String entry point must agree with the bytes one, and `set` must behave.
func json(_ input: UnsafeBufferPointer<UInt8>) {
    let bytes = Array(input)
    let tightLimit = 3
    let value: JSONValue
    do throws(JSONParseError) {
        value = try JSONValue.parse(bytes)
    } catch {
        _ = error.message
        if error.offset > bytes.count { fatalError("error offset past the input: \(error)") }
        if (try? JSONValue.parse(bytes, maxDepth: tightLimit)) != nil {
            fatalError("a tighter limit accepted \(error)")
        }
        return
    }

    do throws(JSONParseError) {
        let shallow = try JSONValue.parse(bytes, maxDepth: tightLimit)
        if depth(value) > tightLimit || shallow != value {
            fatalError("depth limit \(tightLimit) let \(value) through")
        }
    } catch {
        guard case .tooDeep = error, depth(value) > tightLimit else {
            fatalError("a tighter limit refused \(value) with \(error)")
        }
    }
    // Whatever parses is valid UTF-8, so decoding it as a String changes nothing.
    if (try? JSONValue.parse(String(decoding: input, as: UTF8.self))) != value {
        fatalError("String and bytes parsed differently: \(value)")
    }

    let encoded = value.encoded
    let again: JSONValue
    do throws(JSONParseError) {
        again = try JSONValue.parse(encoded)
    } catch {
        fatalError("encoding of \(value) did not parse: \(error)")
    }
    if !sameUpToNumberKind(value, again) { fatalError("\(value) came back from its encoding as \(again)") }
    if again.encoded != encoded { fatalError("encoding of \(value) is not a fixed point") }

    if case .object(let members) = value, let key = members.first?.0 {
        var edited = value
        edited.set(key, .null)
        if edited[key] != .null || edited.objectValue?.filter({ $0.0 == key }).count != 1 {
            fatalError("set(\(key), null) left \(edited)")
        }
        edited.set(key, nil)
        if edited[key] != nil { fatalError("set(\(key), nil) left \(edited)") }
        _ = value.dictionaryOfStrings
    }
    _ = (value.intValue, value.doubleValue)
}

/// Nesting depth as the parser counts it: a scalar is 0, `[]` is 1.
func depth(_ value: JSONValue) -> Int {
    switch value {
    case .array(let elements): 1 + (elements.map(depth).max() ?? 0)
    case .object(let members): 1 + (members.map { depth($0.1) }.max() ?? 0)
    default: 0
    }
}

/// Equality where a double equals the integer its encoding became. Doubles must come back exactly:
/// the encoder writes the shortest text that reads back as the same double.
func sameUpToNumberKind(_ before: JSONValue, _ after: JSONValue) -> Bool {
    switch (before, after) {
    case (.double(let double), .int(let integer)): abs(double) < 1e15 && Double(integer) == double
    case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy(sameUpToNumberKind)
    case (.object(let a), .object(let b)):
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && sameUpToNumberKind($0.1, $1.1) }
    default: before == after
    }
}

/// A body sink that keeps a digest of what it is given; its "path" is that digest, so comparing
/// requests compares the spooled bytes.
final class DigestSink: HTTPBodySink, @unchecked Sendable {
    // Unchecked: one parser, one thread.
    let maxBytes: Int
    private var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    private var count = 0

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPParserError) {
        for byte in bytes {
            digest = (digest ^ UInt64(byte)) &* 0x0100_0000_01b3
        }
        count += bytes.count
    }

    func finish() throws(HTTPParserError) -> HTTPSpooledBody {
        HTTPSpooledBody(path: String(digest, radix: 16), byteCount: count)
    }

    func discard() {}
}
