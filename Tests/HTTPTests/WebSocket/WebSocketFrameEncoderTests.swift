import Testing

@testable import HTTP

@Suite struct WebSocketFrameEncoderTests {
    typealias E = WebSocketExamples

    func encode(_ frame: WebSocketFrame, key: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        var out: [UInt8] = []
        WebSocketFrameEncoder.encode(frame, maskingKey: key, into: &out)
        return out
    }

    @Test func serverFramesMatchTheUnmaskedRFC6455Examples() {
        #expect(encode(WebSocketFrame(opcode: .text, payload: E.hello)) == E.unmaskedHello)
        #expect(encode(WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8))) == E.fragmentedHel)
        #expect(encode(WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8))) == E.fragmentedLo)
        #expect(encode(WebSocketFrame(opcode: .ping, payload: E.hello)) == E.unmaskedPing)
        #expect(encode(WebSocketFrame(opcode: .binary, payload: E.payload256)) == E.binary256Header + E.payload256)
        #expect(encode(WebSocketFrame(opcode: .binary, payload: E.payload64K)) == E.binary64KHeader + E.payload64K)
    }

    @Test func clientFramesMatchTheMaskedRFC6455Examples() {
        #expect(encode(WebSocketFrame(opcode: .text, payload: E.hello), key: E.key) == E.maskedHello)
        #expect(encode(WebSocketFrame(opcode: .pong, payload: E.hello), key: E.key) == E.maskedPong)
    }

    @Test func reservedBitsAreWritten() {
        let frame = WebSocketFrame(fin: false, rsv1: true, rsv2: true, rsv3: true, opcode: .binary)
        #expect(encode(frame) == [0x72, 0x00])
    }

    @Test(arguments: [0, 1, 125, 126, 127, 65535, 65536, 100_003])
    func lengthsRoundTripWithTheShortestEncoding(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let frame = WebSocketFrame(opcode: .binary, payload: payload)
        let bytes = encode(frame, key: (9, 8, 7, 6))
        let headerLength = length <= 125 ? 2 : length <= 65535 ? 4 : 10
        #expect(bytes.count == headerLength + 4 + length)
        var decoder = WebSocketFrameDecoder()
        decoder.append(bytes)
        #expect(try decoder.next() == frame)
    }
}
