import Testing

@testable import HTTP

@Suite struct WebSocketMessageAssemblerTests {
    typealias E = WebSocketExamples

    func push(_ frames: [WebSocketFrame], maxMessageSize: Int = 16 << 20) -> ([WebSocketEvent], WebSocketError?) {
        var assembler = WebSocketMessageAssembler(maxMessageSize: maxMessageSize)
        var events: [WebSocketEvent] = []
        for frame in frames {
            do {
                if let event = try assembler.push(frame) { events.append(event) }
            } catch {
                return (events, error)
            }
        }
        return (events, nil)
    }

    static func text(_ bytes: [UInt8], fin: Bool = true) -> WebSocketFrame {
        WebSocketFrame(fin: fin, opcode: .text, payload: bytes)
    }

    static func more(_ bytes: [UInt8], fin: Bool = true) -> WebSocketFrame {
        WebSocketFrame(fin: fin, opcode: .continuation, payload: bytes)
    }

    @Test func singleFramesBecomeMessages() {
        let (events, error) = push([
            Self.text(E.hello), WebSocketFrame(opcode: .binary, payload: [1, 2]),
            WebSocketFrame(opcode: .ping, payload: [3]), WebSocketFrame(opcode: .pong, payload: [4]),
        ])
        #expect(error == nil)
        #expect(events == [.text("Hello"), .binary([1, 2]), .ping([3]), .pong([4])])
    }

    @Test func fragmentsAreJoinedAndControlFramesMayInterleave() throws {
        var assembler = WebSocketMessageAssembler()
        #expect(try assembler.push(Self.text(Array("Hel".utf8), fin: false)) == nil)
        #expect(assembler.isAssembling)
        #expect(try assembler.push(WebSocketFrame(opcode: .ping, payload: E.hello)) == .ping(E.hello))
        #expect(try assembler.push(Self.more([], fin: false)) == nil)
        #expect(try assembler.push(Self.more(Array("lo".utf8))) == .text("Hello"))
        #expect(!assembler.isAssembling)
        #expect(try assembler.push(WebSocketFrame(fin: false, opcode: .binary, payload: [1])) == nil)
        #expect(try assembler.push(Self.more([2])) == .binary([1, 2]))
    }

    @Test func continuationWithoutAStartIsAProtocolError() {
        #expect(push([Self.more(E.hello)]).1 == .unexpectedContinuation)
        #expect(WebSocketError.unexpectedContinuation.closeCode == 1002)
    }

    @Test func newMessageDuringAFragmentedOneIsAProtocolError() {
        #expect(push([Self.text(E.hello, fin: false), Self.text(E.hello)]).1 == .expectedContinuation)
        #expect(
            push([Self.text(E.hello, fin: false), WebSocketFrame(opcode: .binary)]).1 == .expectedContinuation)
    }

    @Test func controlFrameRulesAreCheckedForFramesFromAnySource() {
        #expect(push([WebSocketFrame(fin: false, opcode: .ping)]).1 == .fragmentedControlFrame)
        #expect(
            push([WebSocketFrame(opcode: .pong, payload: [UInt8](repeating: 0, count: 126))]).1 == .controlFrameTooLong)
        #expect(push([WebSocketFrame(rsv1: true, opcode: .text)]).1 == .reservedBitsSet)
    }

    // MARK: - UTF-8

    @Test func codePointSplitAcrossFragmentsIsValid() {
        // "€" is E2 82 AC; "😀" is F0 9F 98 80.
        let (events, error) = push([
            Self.text([0x61, 0xE2], fin: false), Self.more([0x82], fin: false),
            Self.more([0xAC, 0xF0, 0x9F], fin: false),
            Self.more([0x98], fin: false), Self.more([0x80]),
        ])
        #expect(error == nil)
        #expect(events == [.text("a€😀")])
    }

    @Test(
        arguments: [
            [0xC0, 0xAF],  // overlong "/"
            [0xE0, 0x80, 0xAF],  // overlong, 3 bytes
            [0xF0, 0x80, 0x80, 0xAF],  // overlong, 4 bytes
            [0xED, 0xA0, 0x80],  // U+D800, a surrogate
            [0xED, 0xBF, 0xBF],  // U+DFFF
            [0xF4, 0x90, 0x80, 0x80],  // U+110000
            [0xF5, 0x80, 0x80, 0x80],
            [0x80],  // lone continuation byte
            [0xE2, 0x82],  // truncated at the end of the message
            [
                0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69,
                0x74,
            ],
        ] as [[UInt8]])
    func invalidUTF8IsRejectedWith1007(bytes: [UInt8]) {
        #expect(push([Self.text(bytes)]).1 == .invalidUTF8)
        #expect(push([Self.text([], fin: false), Self.more(bytes)]).1 == .invalidUTF8)
        #expect(WebSocketError.invalidUTF8.closeCode == 1007)
    }

    @Test func invalidUTF8FailsFastInTheFirstFragment() throws {
        var assembler = WebSocketMessageAssembler()
        #expect(throws: WebSocketError.invalidUTF8) {
            try assembler.push(Self.text([0x48, 0xED, 0xA0], fin: false))
        }
    }

    @Test func binaryMessagesAreNotValidatedAsUTF8() {
        #expect(push([WebSocketFrame(opcode: .binary, payload: [0xFF, 0xC0])]).0 == [.binary([0xFF, 0xC0])])
    }

    // MARK: - Close frames

    @Test func closeFramesAreParsed() {
        let (events, error) = push([
            WebSocketFrame(opcode: .close),
            WebSocketFrame(opcode: .close, payload: [0x03, 0xE8]),
            WebSocketFrame(opcode: .close, payload: [0x0F, 0xA0] + Array("bye ✓".utf8)),
        ])
        #expect(error == nil)
        #expect(
            events == [
                .close(code: nil, reason: ""), .close(code: 1000, reason: ""), .close(code: 4000, reason: "bye ✓"),
            ])
    }

    @Test func closeWithOneBytePayloadIsAProtocolError() {
        #expect(push([WebSocketFrame(opcode: .close, payload: [0x03])]).1 == .invalidClosePayload)
    }

    @Test func closeReasonMustBeUTF8() {
        #expect(push([WebSocketFrame(opcode: .close, payload: [0x03, 0xE8, 0xC0, 0xAF])]).1 == .invalidUTF8)
    }

    @Test(
        arguments: [
            (1000, true), (1001, true), (1002, true), (1003, true), (1004, false), (1005, false), (1006, false),
            (1007, true), (1008, true), (1009, true), (1010, true), (1011, true), (1012, false), (1015, false),
            (1016, false), (0, false), (999, false), (2000, false), (2999, false), (3000, true), (3999, true),
            (4000, true), (4999, true), (5000, false), (65535, false),
        ] as [(UInt16, Bool)])
    func closeCodeValidity(code: UInt16, valid: Bool) {
        #expect(WebSocketMessageAssembler.isValidCloseCode(code) == valid)
        let (events, error) = push([WebSocketFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])])
        if valid {
            #expect(events == [.close(code: code, reason: "")])
        } else {
            #expect(error == .invalidCloseCode(code))
        }
    }

    // MARK: - Size limits

    @Test func messagesOverTheLimitAreRejected() {
        #expect(
            push([WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 11))], maxMessageSize: 10).1
                == .messageTooBig)
        let fragments = [
            WebSocketFrame(fin: false, opcode: .binary, payload: [UInt8](repeating: 0, count: 6)),
            Self.more([UInt8](repeating: 0, count: 5)),
        ]
        #expect(push(fragments, maxMessageSize: 10).1 == .messageTooBig)
        #expect(push(fragments, maxMessageSize: 11).0 == [.binary([UInt8](repeating: 0, count: 11))])
    }

    @Test(
        arguments: [
            (WebSocketError.unmaskedFrame, 1002), (.reservedBitsSet, 1002), (.unknownOpcode(3), 1002),
            (.fragmentedControlFrame, 1002), (.controlFrameTooLong, 1002), (.invalidFrameLength, 1002),
            (.expectedContinuation, 1002), (.invalidClosePayload, 1002), (.invalidCloseCode(1005), 1002),
            (.invalidUTF8, 1007), (.messageTooBig, 1009), (.handshake("x"), 1002),
        ] as [(WebSocketError, UInt16)])
    func errorsMapToCloseCodes(error: WebSocketError, code: UInt16) {
        #expect(error.closeCode == code)
        #expect(!error.message.isEmpty)
    }
}
