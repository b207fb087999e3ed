import Foundation
import HTTP
import JSON
import Server
import Store
import Testing

@testable import API

@Suite struct ServerEndpointsTests {
    @Test func rootListsTheAPIVersionForAnyMethod() async throws {
        let api = try APITestHarness()
        for method in [HTTPMethod.get, .post, .delete] {
            let result = await api.send(method, "/")
            #expect(result.status == 200)
            #expect(result.json["metadata"] as? [String] == ["/1.0"])
        }
    }

    @Test func trustedServerInfoHasLXDsFieldsAndOrder() async throws {
        let api = try APITestHarness()
        let result = await api.send(.get, "/1.0")
        #expect(result.status == 200)
        #expect(result.response.headers["ETag"] == "\"\(ETag.of(.object([])))\"")
        let metadata = try #require(result.json["metadata"] as? [String: Any])
        #expect(metadata["auth"] as? String == "trusted")
        #expect(metadata["api_version"] as? String == "1.0")
        #expect(metadata["api_extensions"] as? [String] == APIExtensions.implemented)
        let environment = try #require(metadata["environment"] as? [String: Any])
        #expect(environment["server"] as? String == "berth")
        #expect(environment["server_pid"] as? Int == 4242)
        #expect(environment["server_name"] as? String == "testhost")
        #expect(environment["kernel_version"] as? String == "6.1.0-test")
        #expect(environment["architectures"] as? [String] == ["x86_64", "i686"])
        let text = result.text
        let order = ["\"config\"", "\"api_extensions\"", "\"api_status\"", "\"auth\"", "\"environment\""]
        let positions = order.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count)
        #expect(positions == positions.sorted())
    }

    @Test func untrustedCallersSeeOnlyTheUntrustedSubset() async throws {
        let api = try APITestHarness()
        let result = await api.send(.get, "/1.0", transport: .tcp)
        let metadata = try #require(result.json["metadata"] as? [String: Any])
        #expect(metadata["auth"] as? String == "untrusted")
        #expect(metadata["environment"] == nil)
        #expect(metadata["config"] == nil)
        #expect(result.response.headers["ETag"] == nil)
    }

    @Test func untrustedCallersAreRefusedEverythingElse() async throws {
        let api = try APITestHarness()
        let result = await api.send(.patch, "/1.0", body: #"{"config":{}}"#, transport: .tcp)
        #expect(result.status == 403)
        #expect(result.json["error"] as? String == "not authorized")
        // Not even whether a path exists is revealed.
        #expect(await api.send(.get, "/1.0/instances", transport: .tcp).status == 403)
        #expect(await api.send(.delete, "/1.0", transport: .tcp).status == 403)
    }

    @Test func unknownPathsAre404AndUnknownMethods501() async throws {
        let api = try APITestHarness()
        let missing = await api.send(.get, "/1.0/nothing")
        #expect(missing.status == 404)
        #expect(missing.json["error"] as? String == "not found")
        #expect(missing.json["type"] as? String == "error")
        let method = await api.send(.delete, "/1.0")
        #expect(method.status == 501)
        #expect(method.json["error"] as? String == "not implemented")
    }

    @Test func onlyTheDefaultProjectExists() async throws {
        let api = try APITestHarness()
        #expect(await api.send(.get, "/1.0?project=default").status == 200)
        let other = await api.send(.get, "/1.0?project=other")
        #expect(other.status == 404)
        #expect(other.json["error"] as? String == "Project not found")
    }

    @Test func badJSONIs400WithTheDecoderMessage() async throws {
        let api = try APITestHarness()
        let result = await api.send(.patch, "/1.0", body: "{bad")
        #expect(result.status == 400)
        let message = try #require(result.json["error"] as? String)
        #expect(message.hasPrefix("Invalid JSON in request body"))
        let wrongType = await api.send(.put, "/1.0", body: #"{"config":5}"#)
        #expect(wrongType.status == 400)
        #expect(wrongType.json["error"] as? String == #"Wrong type for field "config": expected an object"#)
    }

    @Test func unknownConfigKeysAreRefusedWithLXDsMessageAndNothingIsWritten() async throws {
        let api = try APITestHarness()
        let result = await api.send(.patch, "/1.0", body: #"{"config":{"foo.bar":"x"}}"#)
        #expect(result.status == 400)
        #expect(result.json["error"] as? String == "cannot set 'foo.bar' to 'x': unknown key")
        #expect(try api.database.read { try $0.config() }.isEmpty)
    }

    @Test func putWithAStaleETagIs412() async throws {
        let api = try APITestHarness()
        let result = await api.send(.put, "/1.0", body: #"{"config":{}}"#, headers: ["If-Match": "\"abc\""])
        #expect(result.status == 412)
        #expect(result.json["error"] as? String == "ETag doesn't match: \(ETag.of(.object([]))) vs abc")
        let current = await api.send(.get, "/1.0")
        let etag = try #require(current.response.headers["ETag"])
        let ok = await api.send(.put, "/1.0", body: #"{"config":{}}"#, headers: ["If-Match": etag])
        #expect(ok.status == 200)
        #expect(ok.json["metadata"] as? [String: String] == [:])
    }
}
