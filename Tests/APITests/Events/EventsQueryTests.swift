import HTTP
import Operations
import Server
import Testing

@testable import API

@Suite struct EventsQueryTests {
    static func query(_ target: String, headers: HTTPHeaders = ["Accept": "application/x-ndjson"]) throws(APIError)
        -> EventsQuery
    {
        let http = HTTPRequest(method: .get, target: target, headers: headers)
        let context = RequestContext(
            transport: .unix, peer: .unix(uid: 0, gid: 0, pid: 1), connectionID: 1, requestID: 1)
        return try EventsQuery(
            APIRequest(http: http, context: context, trusted: true, parameters: [:], query: http.queryItems))
    }

    @Test func noTypeMeansEveryTypeOfTheDefaultProject() throws {
        for target in ["/1.0/events", "/1.0/events?type="] {
            let query = try Self.query(target)
            #expect(query.types == [.operation, .logging, .lifecycle])
            #expect(query.project == "default")
            #expect(query.since == nil)
            #expect(query.form == .ndjson)
        }
    }

    @Test func typeIsACommaList() throws {
        #expect(try Self.query("/1.0/events?type=lifecycle,operation").types == [.lifecycle, .operation])
        #expect(try Self.query("/1.0/events?type=logging").types == [.logging])
    }

    @Test(arguments: ["true", "1", "yes", "on", "TRUE"])
    func allProjectsAcceptsLXDsTrueValues(value: String) throws {
        #expect(try Self.query("/1.0/events?all-projects=\(value)").project == nil)
    }

    @Test func allProjectsFalseOrAnEmptyProjectIsTheDefaultProject() throws {
        #expect(try Self.query("/1.0/events?all-projects=false").project == "default")
        #expect(try Self.query("/1.0/events?all-projects=true&project=").project == nil)
    }

    @Test func sinceIsAnEventID() throws {
        #expect(try Self.query("/1.0/events?since=0").since == 0)
        #expect(try Self.query("/1.0/events?since=42").since == 42)
        #expect(try Self.query("/1.0/events?since=").since == nil)
    }

    @Test func lastEventIDResumesServerSentEventsAndWinsOverSince() throws {
        let sse = try Self.query(
            "/1.0/events?since=3", headers: ["Accept": "text/event-stream", "Last-Event-ID": "17"])
        #expect(sse.form == .serverSentEvents)
        #expect(sse.since == 17)
        // Not an SSE request: the header means nothing.
        let ndjson = try Self.query(
            "/1.0/events?since=3", headers: ["Accept": "application/x-ndjson", "Last-Event-ID": "17"])
        #expect(ndjson.since == 3)
    }

    @Test func projectIsCheckedBeforeType() {
        #expect(throws: APIError.internalError("Cannot specify a project when requesting all projects")) {
            try Self.query("/1.0/events?type=bogus&all-projects=true&project=default")
        }
    }

    @Test func typeIsCheckedBeforeTheWireForm() {
        #expect(throws: APIError.internalError(#""bogus" isn't a supported event type"#)) {
            try Self.query("/1.0/events?type=bogus", headers: [:])
        }
    }
}
