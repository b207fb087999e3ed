import HTTP
import Operations
import Testing

@testable import API

@Suite struct EventWireFormTests {
    static let body = Array(#"{"type":"operation","metadata":{"n":1},"id":7}"#.utf8)

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aWebSocketUpgradeWinsOverAccept() {
        let headers: HTTPHeaders = ["Upgrade": "WebSocket", "Connection": "Upgrade", "Accept": "text/event-stream"]
        #expect(EventWireForm.negotiate(headers) == .webSocket)
    }

    @Test func theFirstStreamingMediaTypeInAcceptWins() {
        #expect(EventWireForm.negotiate(["Accept": "application/x-ndjson, text/event-stream"]) == .ndjson)
        #expect(
            EventWireForm.negotiate(["Accept": "text/event-stream;q=0.5, application/x-ndjson"]) == .serverSentEvents)
        #expect(EventWireForm.negotiate(["Accept": "application/json", "accept": "Application/X-NDJSON"]) == .ndjson)
        #expect(EventWireForm.negotiate(["Accept": "text/*"]) == nil)
        #expect(EventWireForm.negotiate([:]) == nil)
    }

    @Test func ndjsonIsOneEventPerLine() {
        let line = EventWireForm.ndjson.encode(.event(id: 7, type: .operation, body: Self.body))
        #expect(Self.text(line) == #"{"type":"operation","metadata":{"n":1},"id":7}"# + "\n")
    }

    @Test func serverSentEventsCarryTheIDAndType() {
        let frame = EventWireForm.serverSentEvents.encode(.event(id: 7, type: .operation, body: Self.body))
        #expect(
            Self.text(frame) == "id: 7\nevent: operation\ndata: " + #"{"type":"operation","metadata":{"n":1},"id":7}"#
                + "\n\n")
    }

    @Test func anOverflowIsReportedInBand() {
        let reason = "Event consumer too slow: more than 10000 events behind"
        #expect(
            Self.text(EventWireForm.ndjson.encode(.overflow(reason: reason)))
                == #"{"type":"error","error":"Event consumer too slow: more than 10000 events behind"}"# + "\n")
        #expect(
            Self.text(EventWireForm.serverSentEvents.encode(.overflow(reason: reason)))
                == "event: error\ndata: Event consumer too slow: more than 10000 events behind\n\n")
    }

    @Test func anErrorCannotForgeServerSentEventFields() {
        let frame = Self.text(EventWireForm.serverSentEvents.encode(error: "bad\nevent: operation\r\ndata: x"))
        #expect(frame == "event: error\ndata: bad event: operation data: x\n\n")
    }

    @Test func theKeepaliveIsAComment() {
        #expect(Self.text(EventWireForm.keepalive) == ": keepalive\n\n")
    }
}
