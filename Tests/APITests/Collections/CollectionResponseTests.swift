import HTTP
import JSON
import Testing

@testable import API

@Suite struct CollectionResponseTests {
    static let items = [
        CollectionItem(url: "/1.0/things/a", object: .object([("name", .string("a")), ("size", .int(2))])),
        CollectionItem(url: "/1.0/things/b", object: .object([("name", .string("b")), ("size", .int(1))])),
    ]

    static func response(_ target: String, headers: HTTPHeaders = [:]) throws -> HTTPResponse {
        guard
            case .raw(let response) = try CollectionResponse.respond(
                CollectionQueryTests.request(target, headers: headers), items: items)
        else {
            Issue.record("not a raw response")
            return HTTPResponse(status: .internalServerError)
        }
        return response
    }

    @Test func theEnvelopeIsLXDsWithTheTotalInAHeader() throws {
        let response = try Self.response("/1.0/things?sort=size&limit=1")
        #expect(response.status.code == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["X-Total-Count"] == "2")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","#
                + #""metadata":["/1.0/things/b"]}"#)
    }

    @Test func aPlainListIsByteForByteWhatItWasBefore() throws {
        let response = try Self.response("/1.0/things?recursion=1")
        #expect(response.body == Envelope.sync(.array(Self.items.compactMap(\.object))).body)
        #expect(response.headers["X-Total-Count"] == "2")
    }

    @Test func ndjsonIsOneItemPerLine() throws {
        let response = try Self.response(
            "/1.0/things?recursion=1&fields=name", headers: ["Accept": "application/x-ndjson"])
        #expect(response.headers["Content-Type"] == "application/x-ndjson")
        #expect(response.headers["X-Total-Count"] == "2")
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"name\":\"a\"}\n{\"name\":\"b\"}\n")
        let empty = try Self.response("/1.0/things?filter=name+eq+z", headers: ["Accept": "application/x-ndjson"])
        #expect(empty.body.isEmpty)
        #expect(empty.headers["X-Total-Count"] == "0")
    }

    @Test func theQueryIsCheckedBeforeAnyItemIsBuilt() async throws {
        let request = CollectionQueryTests.request("/1.0/things?limit=x")
        await #expect(throws: APIError.badRequest(#"Invalid limit "x": expected an integer of at least 0"#)) {
            _ = try await CollectionResponse.respond(request) { _ in
                Issue.record("items built for an invalid query")
                return []
            }
        }
    }

    @Test func objectsAreAskedForOnlyWhenNeeded() async throws {
        for (target, needed) in [
            ("/1.0/things", false), ("/1.0/things?limit=1", false), ("/1.0/things?sort=name", true),
        ] {
            var asked: Bool?
            _ = try await CollectionResponse.respond(CollectionQueryTests.request(target)) { needsObjects in
                asked = needsObjects
                return Self.items
            }
            #expect(asked == needed, "\(target)")
        }
    }
}
