import Testing

@testable import HTTP

/// Everything a decoder produced from one input.
struct DecodeOutcome: Equatable {
    var frames: [WebSocketFrame] = []
    var error: WebSocketError?
}

func decode(
    _ pieces: [[UInt8]], maxFrameSize: Int = 1 << 20, requireMaskedFrames: Bool = true
) -> DecodeOutcome {
    var decoder = WebSocketFrameDecoder(maxFrameSize: maxFrameSize, requireMaskedFrames: requireMaskedFrames)
    var outcome = DecodeOutcome()
    for piece in pieces {
        decoder.append(piece)
        do {
            while let frame = try decoder.next() { outcome.frames.append(frame) }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    return outcome
}

@Suite struct WebSocketFrameDecoderTests {
    typealias E = WebSocketExamples

    @Test func maskedHelloFromRFC6455IsUnmasked() {
        #expect(decode([E.maskedHello]) == DecodeOutcome(frames: [WebSocketFrame(opcode: .text, payload: E.hello)]))
    }

    @Test func maskedPongFromRFC6455IsUnmasked() {
        #expect(decode([E.maskedPong]).frames == [WebSocketFrame(opcode: .pong, payload: E.hello)])
    }

    @Test func serverRejectsUnmaskedClientFrames() {
        #expect(decode([E.unmaskedHello]).error == .unmaskedFrame)
    }

    @Test func clientDecoderReadsTheUnmaskedExamples() {
        let stream =
            E.unmaskedHello + E.fragmentedHel + E.fragmentedLo + E.unmaskedPing + E.binary256Header + E.payload256
            + E.binary64KHeader + E.payload64K
        let outcome = decode([stream], requireMaskedFrames: false)
        #expect(outcome.error == nil)
        #expect(
            outcome.frames == [
                WebSocketFrame(opcode: .text, payload: E.hello),
                WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8)),
                WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8)),
                WebSocketFrame(opcode: .ping, payload: E.hello),
                WebSocketFrame(opcode: .binary, payload: E.payload256),
                WebSocketFrame(opcode: .binary, payload: E.payload64K),
            ])
    }

    /// Masked fragments with an interleaved ping, a 16-bit length frame and a close.
    static let maskedSequence: [UInt8] =
        E.masked(WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8)))
        + E.masked(WebSocketFrame(opcode: .ping, payload: E.hello), key: (1, 2, 3, 4))
        + E.masked(WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8)), key: (0xFF, 0, 0x80, 7))
        + E.masked(WebSocketFrame(opcode: .binary, payload: E.payload256))
        + E.masked(WebSocketFrame(opcode: .close, payload: [0x03, 0xE8]))

    @Test func splittingAMaskedSequenceAtEveryBoundaryGivesTheSameFrames() {
        let whole = decode([Self.maskedSequence])
        #expect(whole.frames.count == 5)
        #expect(whole.error == nil)
        for i in 0...Self.maskedSequence.count {
            let split = decode([Array(Self.maskedSequence[..<i]), Array(Self.maskedSequence[i...])])
            #expect(split == whole, "split at \(i)")
        }
        #expect(decode(Self.maskedSequence.map { [$0] }) == whole)
    }

    @Test func fragmentedControlFrameIsRejectedFromItsHeader() {
        #expect(decode([[0x09, 0x85]]).error == .fragmentedControlFrame)
    }

    @Test func controlFrameOver125BytesIsRejectedFromItsHeader() {
        #expect(decode([[0x89, 0xFE, 0x00, 0x7E]]).error == .controlFrameTooLong)
        #expect(decode([[0x88, 0xFE]]).error == .controlFrameTooLong)
    }

    @Test func controlFrameOf125BytesIsAccepted() {
        let frame = WebSocketFrame(opcode: .ping, payload: [UInt8](repeating: 7, count: 125))
        #expect(decode([E.masked(frame)]).frames == [frame])
    }

    @Test(arguments: [0xC1, 0xA1, 0x91] as [UInt8])
    func reservedBitsAreRejected(first: UInt8) {
        #expect(decode([[first, 0x80]]).error == .reservedBitsSet)
    }

    @Test(arguments: [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] as [UInt8])
    func reservedOpcodesAreRejected(opcode: UInt8) {
        #expect(decode([[0x80 | opcode, 0x80]]).error == .unknownOpcode(opcode))
    }

    @Test func sixtyFourBitLengthWithMostSignificantBitIsRejected() {
        #expect(decode([[0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]]).error == .invalidFrameLength)
    }

    @Test func frameOverTheLimitIsRejectedFromItsHeader() {
        #expect(decode([[0x82, 0xFE, 0x01, 0x01]], maxFrameSize: 256).error == .messageTooBig)
        #expect(decode([[0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0]], maxFrameSize: 256).error == .messageTooBig)
        #expect(WebSocketError.messageTooBig.closeCode == 1009)
        let atLimit = WebSocketFrame(opcode: .binary, payload: E.payload256)
        #expect(decode([E.masked(atLimit)], maxFrameSize: 256).frames == [atLimit])
    }

    @Test func nonMinimalLengthEncodingIsAccepted() {
        // "Hello" with a 16-bit and a 64-bit length, masked with the §5.7 key.
        let masked16: [UInt8] = [0x81, 0xFE, 0x00, 0x05, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        let masked64: [UInt8] =
            [0x81, 0xFF, 0, 0, 0, 0, 0, 0, 0, 5, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(
            decode([masked16, masked64]).frames
                == Array(repeating: WebSocketFrame(opcode: .text, payload: E.hello), count: 2))
    }

    @Test func emptyMaskedFrameIsDecoded() {
        #expect(decode([[0x88, 0x80, 1, 2, 3, 4]]).frames == [WebSocketFrame(opcode: .close)])
    }

    @Test func errorsAreSticky() {
        var decoder = WebSocketFrameDecoder()
        decoder.append([0x83, 0x80])
        #expect(throws: WebSocketError.unknownOpcode(3)) { try decoder.next() }
        decoder.append(E.maskedHello)
        #expect(throws: WebSocketError.unknownOpcode(3)) { try decoder.next() }
    }

    @Test func largeStreamsAreDecodedAcrossCompactions() throws {
        var decoder = WebSocketFrameDecoder()
        var frames = 0
        let frame = E.masked(WebSocketFrame(opcode: .binary, payload: E.payload256))
        for _ in 0..<100 {
            decoder.append(frame + frame[..<7])
            decoder.append(Array(frame[7...]))
            while try decoder.next() != nil { frames += 1 }
        }
        #expect(frames == 200)
        #expect(decoder.bufferedByteCount == 0)
    }
}
