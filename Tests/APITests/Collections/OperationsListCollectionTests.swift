import Foundation
import HTTP
import Store
import Testing

@testable import API

/// `GET /1.0/operations` through the collection parameters: LXD's status-keyed map stays, filters,
/// sorting and paging apply inside it, NDJSON is flat.
@Suite struct OperationsListCollectionTests {
    static let operations: [(id: String, status: Int, description: String)] = [
        ("op-1", 200, "Creating instance"), ("op-2", 103, "Starting instance"), ("op-3", 400, "Deleting image"),
        ("op-4", 200, "Deleting instance"),
    ]

    static func harness() throws -> APITestHarness {
        let api = try APITestHarness()
        for (index, operation) in operations.enumerated() {
            let time = Int64(1_700_000_000 + index) * 1_000_000_000
            let row = OperationRow(
                id: operation.id, seq: Int64(index + 1), operationClass: "task", type: "test",
                description: operation.description,
                project: "default", statusCode: operation.status, resources: "{}", metadata: "{}", mayCancel: false,
                err: "", errCode: 0, requestor: nil, createdAt: time, updatedAt: time,
                finishedAt: operation.status == 103 ? nil : time)
            try api.database.write { try $0.insertOperation(row) }
        }
        return api
    }

    static func url(_ id: String) -> String { "/1.0/operations/\(id)" }

    @Test func theMapShapeIsLXDsAndCarriesTheTotal() async throws {
        let api = try Self.harness()
        let result = await api.send(.get, "/1.0/operations")
        #expect(result.status == 200)
        #expect(result.response.headers["X-Total-Count"] == "4")
        #expect(
            String(decoding: try #require(result.text.data(using: .utf8)), as: UTF8.self).hasSuffix(
                #""metadata":{"running":["/1.0/operations/op-2"],"success":["/1.0/operations/op-1","#
                    + #""/1.0/operations/op-4"],"failure":["/1.0/operations/op-3"]}}"#))
    }

    @Test func limitAndOffsetPageTheListAsBefore() async throws {
        let api = try Self.harness()
        let result = await api.send(.get, "/1.0/operations?limit=1&offset=1")
        #expect(result.json["metadata"] as? [String: [String]] == ["running": [Self.url("op-2")]])
        #expect(result.response.headers["X-Total-Count"] == "4")
        #expect(await api.send(.get, "/1.0/operations?limit=x").status == 400)
    }

    @Test func filtersAndSortingApplyWithinTheMap() async throws {
        let api = try Self.harness()
        let result = await api.send(.get, "/1.0/operations?filter=description+ct+INSTANCE&sort=-created_at")
        #expect(
            result.json["metadata"] as? [String: [String]] == [
                "running": [Self.url("op-2")], "success": [Self.url("op-4"), Self.url("op-1")],
            ])
        #expect(result.response.headers["X-Total-Count"] == "3")
        let both = await api.send(.get, "/1.0/operations?status=success&filter=description+bw+deleting")
        #expect(both.json["metadata"] as? [String: [String]] == ["success": [Self.url("op-4")]])
        #expect(both.response.headers["X-Total-Count"] == "1")
    }

    @Test func fieldsProjectTheObjectsEvenAtRecursionZero() async throws {
        let api = try Self.harness()
        let result = await api.send(.get, "/1.0/operations?fields=id,status_code&filter=status+eq+failure")
        #expect(
            result.json["metadata"] as? [String: [[String: AnyHashable]]] == [
                "failure": [["id": "op-3", "status_code": 400]]
            ])
    }

    @Test func ndjsonIsAFlatListInListOrder() async throws {
        let api = try Self.harness()
        let result = await api.send(
            .get, "/1.0/operations?sort=-created_at&limit=3", headers: ["Accept": "application/x-ndjson"])
        #expect(result.response.headers["Content-Type"] == "application/x-ndjson")
        #expect(result.response.headers["X-Total-Count"] == "4")
        #expect(result.text == "\"/1.0/operations/op-4\"\n\"/1.0/operations/op-3\"\n\"/1.0/operations/op-2\"\n")
    }

    @Test func aMalformedFilterIsAnLXDError() async throws {
        let api = try Self.harness()
        let result = await api.send(.get, "/1.0/operations?filter=status+eq")
        #expect(result.status == 400)
        #expect(result.json["error"] as? String == #"Invalid filter at position 10: expected a value after "eq""#)
        #expect(result.json["type"] as? String == "error")
    }
}
