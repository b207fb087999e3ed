import Foundation
import HTTP
import Testing

@testable import Server

@Suite struct HTTPServerTests {
    @Test func servesARequestOverTheUnixSocketWithDateAndLength() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.headers["Content-Length"] == "5")
            #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
        }
    }

    @Test func socketFileHasTheRequestedMode() async throws {
        try await withTestServer { server in
            let attributes = try FileManager.default.attributesOfItem(atPath: server.socketPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o660)
        }
    }

    @Test func unixPeerIsIdentifiedBySO_PEERCRED() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /peer HTTP/1.1\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.text == "unix(uid=\(getuid()),gid=\(getgid()),pid=\(getpid()))")
        }
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await withTestServer { server in
            let client = try server.client()
            for index in 0..<5 {
                client.send("POST /echo HTTP/1.1\r\nContent-Length: 1\r\n\r\n\(index)")
                let response = try await client.readResponse()
                #expect(response.text == "POST /echo 1:\(index)")
            }
            #expect(server.server.requestsReceived == 5)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderEvenBehindSlowOnes() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send(
                "GET /slow HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\nPOST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nab"
            )
            #expect(try await client.readResponse().text == "slow")
            #expect(try await client.readResponse().text == "hello")
            #expect(try await client.readResponse().text == "POST /echo 2:ab")
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.headers["Connection"] == "close")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func chunkedRequestBodiesAreDecoded() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send(
                "PUT /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n")
            #expect(try await client.readResponse().text == "PUT /echo 5:abcde")
        }
    }

    @Test func headersOver16KiBAre431() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /hello HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 431)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func bodiesOverTheCapAre413BeforeTheBodyIsSent() async throws {
        try await withTestServer(configure: { $0.parserLimits.maxBodyBytes = 1024 }) { server in
            let client = try server.client()
            client.send("POST /echo HTTP/1.1\r\nContent-Length: 4096\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 413)
        }
    }

    @Test func malformedRequestsAre400AndTheConnectionCloses() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GARBAGE\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 400)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func expectContinueGets100BeforeTheBody() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("POST /echo HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await client.readResponse().status == 100)
            client.send("xyz")
            #expect(try await client.readResponse().text == "POST /echo 3:xyz")
        }
    }

    @Test func headRequestsGetHeadersOnly() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("HEAD /hello HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n")
            let head = try await client.readResponse(headOnly: true)
            #expect(head.headers["Content-Length"] == "5")
            #expect(try await client.readResponse().text == "hello")
        }
    }

    @Test func aHalfSentRequestTimesOutWith408AndDoesNotBlockOthers() async throws {
        try await withTestServer(configure: { $0.headerTimeoutMilliseconds = 300 }) { server in
            let stalled = try server.client()
            stalled.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
            // While it stalls, other connections on every loop are served at once.
            for _ in 0..<4 {
                let other = try server.client()
                other.send("GET /hello HTTP/1.1\r\n\r\n")
                #expect(try await other.readResponse().text == "hello")
            }
            let response = try await stalled.readResponse()
            #expect(response.status == 408)
            #expect(response.text.contains("Timed out reading request headers"))
            #expect(await stalled.isClosedByServer())
        }
    }

    @Test func aStalledBodyTimesOut() async throws {
        try await withTestServer(configure: { $0.bodyTimeoutMilliseconds = 300 }) { server in
            let client = try server.client()
            client.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
            let response = try await client.readResponse()
            #expect(response.status == 408)
            #expect(response.text.contains("body"))
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        try await withTestServer(configure: { $0.idleTimeoutMilliseconds = 300 }) { server in
            let client = try server.client()
            client.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            #expect(await client.isClosedByServer())
        }
    }

    @Test func connectionsOverTheLimitAreRefusedWith503AndOthersKeepWorking() async throws {
        try await withTestServer(configure: { $0.maxConnections = 2 }) { server in
            let first = try server.client()
            let second = try server.client()
            first.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try await first.readResponse().status == 200)
            let third = try server.client()
            let refused = try await third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.headers["Retry-After"] == "1")
            #expect(await third.isClosedByServer())
            second.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try await second.readResponse().status == 200)
        }
    }

    @Test func streamsAreSentChunked() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /stream HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.headers["Transfer-Encoding"] == "chunked")
            #expect(response.text == "part0;part1;part2;")
            #expect(try await client.readResponse().text == "hello")
        }
    }

    @Test func aDeferredHandlerMayAnswerWithAStream() async throws {
        try await withTestServer { server in
            let client = try server.client()
            client.send("GET /slow-stream HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.headers["Transfer-Encoding"] == "chunked")
            #expect(response.text == "late;")
            #expect(try await client.readResponse().text == "hello")
        }
    }

    @Test func aProducerCanSeeThatItsPeerIsNotReading() async throws {
        try await withTestServer { server in
            let client = try server.client(timeoutSeconds: 10)
            client.send("GET /flood HTTP/1.1\r\n\r\n")
            // Not reading: the socket buffers fill and the producer's pending count grows.
            try await Task.sleep(for: .milliseconds(300))
            let response = try await client.readResponse()
            let tail = String(decoding: response.body.suffix(40), as: UTF8.self)
            let stopped = try #require(Int(tail.split(separator: " ").last ?? ""))
            // It stopped early (well under its 64 MiB bound and the server's 16 MiB cut) and every byte
            // it wrote arrived.
            #expect(stopped < 16 << 20)
            #expect(response.body.count == stopped + "|stopped after \(stopped)".utf8.count)
        }
    }

    @Test func tcpListenerServesAndReportsThePeerAddress() async throws {
        try await withTestServer(tcp: true) { server in
            #expect(server.tcpPort != 0)
            let client = try RawClient(tcpPort: server.tcpPort)
            client.send("GET /peer HTTP/1.1\r\n\r\n")
            #expect(try await client.readResponse().text.hasPrefix("127.0.0.1:"))
        }
    }

    @Test func shutdownFinishesInFlightRequestsAndRefusesNewConnections() async throws {
        let server = try TestServer()
        let client = try server.client()
        client.send("GET /slower HTTP/1.1\r\n\r\n")
        try await Task.sleep(for: .milliseconds(50))
        let httpServer = server.server
        let shutdown = Task { await httpServer.shutdown(gracePeriodMilliseconds: 5_000) }
        let response = try await client.readResponse()
        #expect(response.text == "slow")
        #expect(response.headers["Connection"] == "close")
        await shutdown.value
        #expect(throws: (any Error).self) { try RawClient(unixPath: server.socketPath) }
        try? FileManager.default.removeItem(atPath: server.directory)
    }

    @Test func shutdownCancelsEndlessStreams() async throws {
        let server = try TestServer()
        let client = try server.client()
        client.send("GET /forever HTTP/1.1\r\n\r\n")
        try await Task.sleep(for: .milliseconds(50))
        await server.server.shutdown(gracePeriodMilliseconds: 5_000)
        let response = try await client.readResponse()
        #expect(response.text.hasPrefix("started;"))
        #expect(server.server.openConnections == 0)
        try? FileManager.default.removeItem(atPath: server.directory)
    }
}
