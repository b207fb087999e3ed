import Foundation
import HTTP
import Testing

@testable import Server

/// `maxConnectionsPerPeer`: one TCP address gets its share of the server and no more; other
/// addresses and unix-socket peers are served meanwhile.
@Suite struct PeerConnectionLimitTests {
    @Test func connectionsOverAPeersShareAre503AndOtherPeersAreServed() async throws {
        try await withTestServer(configure: { $0.maxConnectionsPerPeer = 2 }, tcp: true) { server in
            let first = try RawClient(tcpPort: server.tcpPort)
            let second = try RawClient(tcpPort: server.tcpPort)
            for client in [first, second] {
                client.send("GET /hello HTTP/1.1\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
            }
            let third = try RawClient(tcpPort: server.tcpPort)
            let refused = try await third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.headers["Retry-After"] == "1")
            #expect(await third.isClosedByServer())

            let elsewhere = try RawClient(tcpPort: server.tcpPort, from: "127.0.0.2")
            elsewhere.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try await elsewhere.readResponse().status == 200)
            let local = try server.client()
            local.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try await local.readResponse().status == 200)

            second.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try await second.readResponse().status == 200)
        }
    }

    @Test func aClosedConnectionGivesItsSlotBack() async throws {
        try await withTestServer(configure: { $0.maxConnectionsPerPeer = 1 }, tcp: true) { server in
            do {
                let only = try RawClient(tcpPort: server.tcpPort)
                only.send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n")
                #expect(try await only.readResponse().status == 200)
                #expect(await only.isClosedByServer())
            }
            // The server has closed its side; a new connection from the same address is admitted.
            let again = try RawClient(tcpPort: server.tcpPort)
            again.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try await again.readResponse().status == 200)
        }
    }

    @Test func unixSocketPeersAreNotCounted() async throws {
        try await withTestServer(configure: { $0.maxConnectionsPerPeer = 1 }) { server in
            let clients = try (0..<4).map { _ in try server.client() }
            for client in clients {
                client.send("GET /hello HTTP/1.1\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
            }
        }
    }

    @Test func countsAreKeptPerAddressAndForgottenAtZero() {
        let counts = PeerConnectionCounts()
        #expect(counts.admit("10.0.0.1", limit: 2))
        #expect(counts.admit("10.0.0.1", limit: 2))
        #expect(!counts.admit("10.0.0.1", limit: 2))
        #expect(counts.admit("::1", limit: 2))
        #expect(counts.count("10.0.0.1") == 2)
        counts.release("10.0.0.1")
        #expect(counts.admit("10.0.0.1", limit: 2))
        counts.release("::1")
        #expect(counts.count("::1") == 0)
    }

    @Test func theDefaultsHoldTenThousandIdleClients() {
        let configuration = ServerConfiguration()
        #expect(configuration.maxConnections >= 10_000)
        #expect(configuration.maxConnectionsPerPeer == 256)
    }
}
