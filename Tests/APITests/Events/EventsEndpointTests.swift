import HTTP
import Operations
import Server
import Testing

@testable import API

/// `GET /1.0/events` through the responder: every error is decided before an upgrade or a stream
/// head, and the subscriber exists as soon as the reply does.
@Suite struct EventsEndpointTests {
    static let webSocketHeaders: HTTPHeaders = [
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    ]

    static func reply(_ harness: APITestHarness, _ target: String, headers: HTTPHeaders) -> Reply {
        let context = RequestContext(
            transport: .unix, peer: .unix(uid: 0, gid: 0, pid: 1), connectionID: 1, requestID: 1)
        return harness.responder.respond(
            to: HTTPRequest(method: .get, target: target, headers: headers), context: context)
    }

    // LXD 5.0.2 answers its /1.0/events parameter errors with 500 (checked against the real daemon),
    // although the contract's reading of the source says 400.
    @Test(arguments: [
        ("bogus", #""bogus" isn't a supported event type"#),
        ("operation,", #""" isn't a supported event type"#),
        ("Operation", #""Operation" isn't a supported event type"#),
        ("operation,%20lifecycle", #"" lifecycle" isn't a supported event type"#),
    ])
    func anUnknownTypeIsRefusedAsLXDDoes(type: String, message: String) async throws {
        let harness = try APITestHarness()
        for headers in [Self.webSocketHeaders, ["Accept": "application/x-ndjson"]] {
            let result = await harness.send(.get, "/1.0/events?type=\(type)", headers: headers)
            #expect(result.status == 500)
            #expect(result.json["error"] as? String == message)
        }
        #expect(harness.context.events.subscriberCount == 0)
    }

    @Test func allProjectsWithAProjectIsRefusedAsLXDDoes() async throws {
        let harness = try APITestHarness()
        let result = await harness.send(
            .get, "/1.0/events?all-projects=true&project=default", headers: Self.webSocketHeaders)
        #expect(result.status == 500)
        #expect(result.json["error"] as? String == "Cannot specify a project when requesting all projects")
    }

    @Test func anUnknownProjectIs404() async throws {
        let harness = try APITestHarness()
        let result = await harness.send(.get, "/1.0/events?project=nope", headers: Self.webSocketHeaders)
        #expect(result.status == 404)
        #expect(result.json["error"] as? String == "Project not found")
    }

    @Test(arguments: ["abc", "-1", "1.5", "99999999999999999999"])
    func anInvalidSinceIs400(since: String) async throws {
        let harness = try APITestHarness()
        let result = await harness.send(.get, "/1.0/events?since=\(since)", headers: ["Accept": "application/x-ndjson"])
        #expect(result.status == 400)
        #expect((result.json["error"] as? String)?.hasPrefix("Invalid since \"\(since)\"") == true)
        #expect(harness.context.events.subscriberCount == 0)
    }

    @Test func anInvalidLastEventIDIs400ForServerSentEvents() async throws {
        let harness = try APITestHarness()
        let result = await harness.send(
            .get, "/1.0/events", headers: ["Accept": "text/event-stream", "Last-Event-ID": "x"])
        #expect(result.status == 400)
        #expect((result.json["error"] as? String)?.hasPrefix("Invalid Last-Event-ID \"x\"") == true)
    }

    @Test(arguments: [[:], ["Accept": "*/*"], ["Accept": "application/json"]] as [HTTPHeaders])
    func withoutAnUpgradeOrAStreamingAcceptItIs400NamingTheForms(headers: HTTPHeaders) async throws {
        let harness = try APITestHarness()
        let result = await harness.send(.get, "/1.0/events", headers: headers)
        #expect(result.status == 400)
        let message = result.json["error"] as? String ?? ""
        #expect(message.contains("WebSocket"))
        #expect(message.contains("application/x-ndjson"))
        #expect(message.contains("text/event-stream"))
    }

    @Test func untrustedCallersAreRefused() async throws {
        let harness = try APITestHarness()
        let result = await harness.send(.get, "/1.0/events", headers: Self.webSocketHeaders, transport: .tcp)
        #expect(result.status == 403)
    }

    @Test func aWebSocketUpgradeIsSubscribedBeforeTheReplyLeaves() throws {
        let harness = try APITestHarness()
        let bus = harness.context.events
        do {
            let reply = Self.reply(harness, "/1.0/events", headers: Self.webSocketHeaders)
            guard case .webSocket = reply else {
                Issue.record("expected an upgrade, got \(reply)")
                return
            }
            withExtendedLifetime(reply) { #expect(bus.subscriberCount == 1) }
        }
        // A reply the server drops (a handshake it refuses) does not leak its subscriber.
        #expect(bus.subscriberCount == 0)
    }

    @Test(arguments: [
        ("application/x-ndjson", "application/x-ndjson"), ("text/event-stream", "text/event-stream"),
        ("text/html;q=0.9, TEXT/Event-Stream; charset=utf-8", "text/event-stream"),
    ])
    func streamingFormsAnswer200WithTheirContentType(accept: String, contentType: String) throws {
        let harness = try APITestHarness()
        let bus = harness.context.events
        do {
            let reply = Self.reply(harness, "/1.0/events?type=operation", headers: ["Accept": accept])
            guard case .stream(let head, _) = reply else {
                Issue.record("expected a stream, got \(reply)")
                return
            }
            #expect(head.status == .ok)
            #expect(head.headers["Content-Type"] == contentType)
            #expect(head.headers["Cache-Control"] == "no-cache")
            withExtendedLifetime(reply) { #expect(bus.subscriberCount == 1) }
        }
        #expect(bus.subscriberCount == 0)
    }
}
