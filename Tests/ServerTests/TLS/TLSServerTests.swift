import CLinux
import Foundation
import HTTP
import Testing

@testable import Server

/// HTTP/1.1 and WebSockets over the TLS listener, inside the same non-blocking event loops.
@Suite struct TLSServerTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            for index in 0..<5 {
                let response = try await client.request("GET /echo?\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(response.status == 200)
                #expect(response.text == "GET /echo?\(index) 0:")
            }
        }
    }

    @Test func aPipelinedPairIsAnsweredInOrder() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "slow")
            #expect(try await client.readResponse().text == "hello")
        }
    }

    @Test func aLargeResponseArrivesWhole() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            let response = try await client.request("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.body.count == TLSTestResponder.largeBody.count)
            #expect(response.body == TLSTestResponder.largeBody)
            #expect(try await client.request("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").text == "hello")
        }
    }

    @Test func aLargeRequestBodyArrivesWhole() async throws {
        try await withTLSTestServer(configure: { $0.parserLimits.maxBodyBytes = 8 << 20 }) { server in
            let client = try await server.client()
            let body = TLSTestResponder.largeBody
            client.send(Array("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.body == Array("POST /echo \(body.count):".utf8) + body)
        }
    }

    @Test func aRequestBodyIsSpooledToAFile() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            let body = TLSTestResponder.largeBody
            let sum = body.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
            client.send(Array("PUT /spool HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let response = try await client.readResponse()
            #expect(response.text == "\(body.count) \(sum)")
        }
    }

    @Test func aStreamedResponseArrivesChunkByChunk() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            let response = try await client.request("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.headers["Transfer-Encoding"] == "chunked")
            #expect(response.text == "part0;part1;part2;")
        }
    }

    @Test func aWebSocketWorksOverTLS() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            client.send(WebSocketServerTests.upgrade)
            let response = try await client.readResponse()
            #expect(response.status == 101)
            client.sendFrame(opcode: .text, payload: Array("hi".utf8))
            #expect(String(decoding: try await client.readFrame().payload, as: UTF8.self) == "echo:hi")
            let large = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
            client.sendFrame(opcode: .binary, payload: large)
            #expect(try await client.readFrame().payload == large.reversed())
            client.sendFrame(opcode: .close, payload: [0x03, 0xE8])
            #expect(try await client.readFrame().opcode == .close)
            #expect(try await client.readToEnd() == .closeNotify)
        }
    }

    @Test func connectionCloseEndsWithCloseNotify() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            let response = try await client.request("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(response.text == "hello")
            #expect(try await client.readToEnd() == .closeNotify)
        }
    }

    @Test func aClientsCloseNotifyClosesTheConnection() async throws {
        try await withTLSTestServer { server in
            let client = try await server.client()
            #expect(try await client.request("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").text == "hello")
            client.sendCloseNotify()
            #expect(try await client.readToEnd() == .closeNotify)
            try await waitUntil { server.server.openConnections == 0 }
        }
    }

    @Test func aClientThatStallsMidHandshakeIsDropped() async throws {
        try await withTLSTestServer(configure: { $0.tlsHandshakeTimeoutMilliseconds = 300 }) { server in
            // Half of a TLS record header: the server waits for the rest of a ClientHello.
            let stalled = try TLSTestClient.connect(port: server.port, receiveTimeoutSeconds: 30)
            defer { close(stalled) }
            _ = [UInt8]([0x16, 0x03, 0x01]).withUnsafeBytes { send(stalled, $0.baseAddress, $0.count, 0) }
            let silent = try TLSTestClient.connect(port: server.port, receiveTimeoutSeconds: 30)
            defer { close(silent) }
            for fd in [stalled, silent] {
                let received = try await onOwnThread {
                    var byte: UInt8 = 0
                    return recv(fd, &byte, 1, 0)
                }
                #expect(received == 0, "the server should have closed the connection")
            }
        }
    }

    @Test func theHandshakeTimeoutSparesEstablishedConnections() async throws {
        try await withTLSTestServer(configure: { $0.tlsHandshakeTimeoutMilliseconds = 200 }) { server in
            let client = try await server.client()
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await client.request("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").text == "hello")
        }
    }

    @Test func plainHTTPOnTheTLSPortGetsNoResponse() async throws {
        try await withTLSTestServer { server in
            let fd = try TLSTestClient.connect(port: server.port, receiveTimeoutSeconds: 10)
            defer { close(fd) }
            let request = Array("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            let received = try await onOwnThread {
                var bytes = [UInt8](repeating: 0, count: 4096)
                var all: [UInt8] = []
                while true {
                    let count = recv(fd, &bytes, bytes.count, 0)
                    guard count > 0 else { break }
                    all += bytes[0..<count]
                }
                return all
            }
            #expect(!received.starts(with: Array("HTTP/1.1".utf8)))
        }
    }

    @Test func aListenerAddedAtRunTimeServesAndStopsWhenRemoved() async throws {
        try await withTLSTestServer { server in
            let added = try server.server.addListener(.tls(host: "127.0.0.1", port: 0))
            guard case .tls(_, let port) = added else {
                Issue.record("expected a TLS address, got \(added)")
                return
            }
            let client = try await TLSTestClient.open(port: port)
            #expect(try await client.request("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n").text == "tls none")
            await server.server.removeListener(added)
            #expect(throws: TLSTestClient.ClientError.connect(ECONNREFUSED)) {
                _ = try TLSTestClient.connect(port: port, receiveTimeoutSeconds: 1)
            }
            // What the removed listener accepted is served to its end.
            #expect(try await client.request("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").text == "hello")
        }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
