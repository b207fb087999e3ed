import Foundation
import HTTP
import Testing

@testable import Server

@Suite struct WebSocketServerTests {
    static let upgrade =
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

    @Test func handshakeAnswers101WithTheRFCAcceptValue() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send(Self.upgrade)
            let response = try await client.readResponse()
            #expect(response.status == 101)
            #expect(response.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        }
    }

    @Test func echoesTextAndBinaryAndFragmentedMessages() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send(Self.upgrade)
            _ = try await client.readResponse()
            client.sendFrame(opcode: .text, payload: Array("hi".utf8))
            var frame = try await client.readFrame()
            #expect(frame.opcode == .text)
            #expect(String(decoding: frame.payload, as: UTF8.self) == "echo:hi")

            client.sendFrame(opcode: .binary, payload: [1, 2, 3])
            frame = try await client.readFrame()
            #expect(frame.payload == [3, 2, 1])

            client.sendFrame(opcode: .text, payload: Array("Hel".utf8), fin: false)
            client.sendFrame(opcode: .ping, payload: Array("p".utf8))
            client.sendFrame(opcode: .continuation, payload: Array("lo".utf8))
            let pong = try await client.readFrame()
            #expect(pong.opcode == .pong)
            #expect(pong.payload == Array("p".utf8))
            frame = try await client.readFrame()
            #expect(String(decoding: frame.payload, as: UTF8.self) == "echo:Hello")
        }
    }

    @Test func bytesSentRightAfterTheHandshakeAreNotLost() async throws {
        try await withTestServer { server in
            let client = try server.client()
            var bytes = Array(Self.upgrade.utf8)
            WebSocketFrameEncoder.encode(
                WebSocketFrame(fin: true, opcode: .text, payload: Array("early".utf8)),
                maskingKey: (1, 2, 3, 4), into: &bytes)
            client.send(bytes)
            _ = try await client.readResponse()
            #expect(String(decoding: try await client.readFrame().payload, as: UTF8.self) == "echo:early")
        }
    }

    @Test func closeHandshakeEchoesTheCodeAndCloses() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send(Self.upgrade)
            _ = try await client.readResponse()
            client.sendFrame(opcode: .close, payload: [0x03, 0xE8])
            let frame = try await client.readFrame()
            #expect(frame.opcode == .close)
            #expect(frame.payload == [0x03, 0xE8])
            #expect(await client.isClosedByServer())
        }
    }

    @Test func invalidUTF8IsClosedWith1007() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send(Self.upgrade)
            _ = try await client.readResponse()
            client.sendFrame(opcode: .text, payload: [0xC3, 0x28])
            let frame = try await client.readFrame()
            #expect(frame.opcode == .close)
            #expect(Array(frame.payload.prefix(2)) == [0x03, 0xEF])
        }
    }

    @Test func unmaskedClientFramesAreAProtocolError() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send(Self.upgrade)
            _ = try await client.readResponse()
            client.send([0x81, 0x02, 0x68, 0x69])
            let frame = try await client.readFrame()
            #expect(frame.opcode == .close)
            #expect(Array(frame.payload.prefix(2)) == [0x03, 0xEA])
        }
    }

    @Test func framesOverTheLimitAreClosedWith1009() async throws {
        try await withTestServer(configure: { $0.webSocketMaxFrameBytes = 1024 }) { server in
            let client = try server.client()
            client.send(Self.upgrade)
            _ = try await client.readResponse()
            client.sendFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: 4096))
            let frame = try await client.readFrame()
            #expect(frame.opcode == .close)
            #expect(Array(frame.payload.prefix(2)) == [0x03, 0xF1])
        }
    }

    @Test func aBadHandshakeIs400() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
            #expect(try await client.readResponse().status == 400)
        }
    }

    @Test func shutdownSendsGoingAway() async throws {
        let server = try TestServer()
        let client = try server.client()
        client.send(Self.upgrade)
        _ = try await client.readResponse()
        let httpServer = server.server
        let shutdown = Task { await httpServer.shutdown(gracePeriodMilliseconds: 3_000) }
        let frame = try await client.readFrame()
        #expect(frame.opcode == .close)
        #expect(Array(frame.payload.prefix(2)) == [0x03, 0xE9])
        await shutdown.value
        try? FileManager.default.removeItem(atPath: server.directory)
    }
}
