import HTTP
import JSON
import Server
import Testing

@testable import API

@Suite struct CollectionQueryTests {
    static func request(_ target: String, headers: HTTPHeaders = [:]) -> APIRequest {
        let http = HTTPRequest(method: .get, target: target, headers: headers)
        let context = RequestContext(
            transport: .unix, peer: .unix(uid: 0, gid: 0, pid: 1), connectionID: 1, requestID: 1)
        return APIRequest(http: http, context: context, trusted: true, parameters: [:], query: http.queryItems)
    }

    static func query(_ target: String, headers: HTTPHeaders = [:]) throws(APIError) -> CollectionQuery {
        try CollectionQuery(request(target, headers: headers))
    }

    static func message(_ target: String) -> String? {
        do {
            _ = try query(target)
            return nil
        } catch {
            #expect(error.status.code == 400)
            return error.message
        }
    }

    @Test func noParametersMeanLXDsPlainList() throws {
        let query = try Self.query("/1.0/images")
        #expect(query.recursion == 0)
        #expect(query.filter == nil)
        #expect(query.fields == nil)
        #expect(query.sort.isEmpty)
        #expect(query.limit == nil)
        #expect(query.offset == 0)
        #expect(query.format == .envelope)
        #expect(!query.needsObjects)
    }

    @Test(arguments: ["filter=", "filter=%20%20", "filter=+", "fields=", "sort=", "limit=", "offset="])
    func emptyParametersAreAbsent(parameter: String) throws {
        let query = try Self.query("/1.0/images?\(parameter)")
        #expect(query.filter == nil && query.fields == nil && query.sort.isEmpty && query.limit == nil)
        #expect(!query.needsObjects)
    }

    @Test func parametersAreParsed() throws {
        let query = try Self.query(
            "/1.0/images?recursion=1&filter=name+eq+web&fields=name,%20config.limits.cpu&sort=-created_at,+name"
                + "&limit=5&offset=10")
        #expect(query.recursion == 1)
        #expect(query.filter?.clauses.map(\.value) == ["web"])
        #expect(query.fields?.map(\.description) == ["name", "config.limits.cpu"])
        #expect(query.sort.map(\.path.description) == ["created_at", "name"])
        #expect(query.sort.map(\.descending) == [true, false])
        #expect(query.limit == 5)
        #expect(query.offset == 10)
    }

    @Test(arguments: [
        ("recursion=1", true), ("filter=name+eq+x", true), ("fields=name", true), ("sort=name", true),
        ("limit=1&offset=2", false), ("recursion=abc", false),
    ])
    func objectsAreNeededOnlyToListFilterOrSortThem(parameter: String, needed: Bool) throws {
        #expect(try Self.query("/1.0/images?\(parameter)").needsObjects == needed)
    }

    @Test(arguments: [
        ("limit=-1", #"Invalid limit "-1": expected an integer of at least 0"#),
        ("limit=abc", #"Invalid limit "abc": expected an integer of at least 0"#),
        ("offset=1.5", #"Invalid offset "1.5": expected an integer of at least 0"#),
        ("fields=name,,status", "Invalid fields at position 6: empty field name"),
        ("fields=name,%20a..b", #"Invalid fields at position 7: invalid field name "a..b""#),
        ("sort=-", "Invalid sort at position 2: empty field name"),
        ("sort=name,", "Invalid sort at position 6: empty field name"),
        ("filter=name", #"Invalid filter at position 5: expected an operator after "name""#),
        (
            "filter=name+eq+web+xx",
            #"Invalid filter at position 13: expected "and" or "or" after the value, found "xx""#
        ),
    ])
    func badParametersAre400sThatSayWhere(parameter: String, message: String) {
        #expect(Self.message("/1.0/images?\(parameter)") == message)
    }

    @Test(arguments: [
        ("application/x-ndjson", CollectionFormat.ndjson),
        ("application/x-ndjson; charset=utf-8", .ndjson),
        ("text/plain, application/x-ndjson", .ndjson),
        ("application/json, application/x-ndjson", .envelope),
        ("*/*", .envelope),
        ("", .envelope),
    ])
    func ndjsonIsChosenByAccept(accept: String, format: CollectionFormat) throws {
        #expect(try Self.query("/1.0/images", headers: ["Accept": accept]).format == format)
    }
}
