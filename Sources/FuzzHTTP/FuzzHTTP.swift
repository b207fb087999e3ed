import HTTP

/// libFuzzer entry point (see scripts/fuzz.sh). The first byte picks the code under test; the
/// rest is its input. Besides "never trap", each path checks a differential property: feeding
/// the same bytes in pieces must give exactly what feeding them whole gives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let split = splitPoints(input)
    switch data[0] % 4 {
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
    default:
        handshake(input)
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
