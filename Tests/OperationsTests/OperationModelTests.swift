import Foundation
import JSON
import Testing

@testable import Operations

@Suite struct OperationModelTests {
    static let sample = Operation(
        id: "0b7a6f0e-4c1d-4f8e-9b6e-6a3cde2b1f10", seq: 1, operationClass: .task, type: "instance.create",
        description: "Creating instance", project: "default",
        createdAt: Timestamp(nanoseconds: 1_741_083_301_123_456_789),
        updatedAt: Timestamp(nanoseconds: 1_741_083_307_000_000_000),
        status: .running, resources: ["instances": ["/1.0/instances/web1"], "containers": ["/1.0/instances/web1"]],
        metadata: .object([]), mayCancel: false, err: "", errCode: 0, requestor: nil, finishedAt: nil)

    @Test func wireObjectHasLXDsFieldsInOrder() {
        let text = String(decoding: Self.sample.json.encoded, as: UTF8.self)
        #expect(
            text
                == #"{"id":"0b7a6f0e-4c1d-4f8e-9b6e-6a3cde2b1f10","class":"task","description":"Creating instance","created_at":"2025-03-04T10:15:01.123456789Z","updated_at":"2025-03-04T10:15:07Z","status":"Running","status_code":103,"resources":{"containers":["/1.0/instances/web1"],"instances":["/1.0/instances/web1"]},"metadata":{},"may_cancel":false,"err":"","location":"none","err_code":0}"#
        )
    }

    /// The direct writer every event and `202` use must give exactly the tree's bytes.
    @Test(arguments: [false, true])
    func directWireFormMatchesTheTree(final: Bool) {
        var operation = Self.sample
        if final {
            operation.status = .failure
            operation.err = "it <broke> & \"stopped\"\n"
            operation.errCode = 500
            operation.mayCancel = true
            operation.resources = [:]
            operation.requestor = Requestor(username: "r\u{e9}mi", protocol: "unix", address: "@")
            operation.metadata = .object([("return", .int(3)), ("progress", .object([("percent", .string("5"))]))])
        }
        #expect(
            String(decoding: operation.encodedJSON, as: UTF8.self)
                == String(decoding: operation.json.encoded, as: UTF8.self))
    }

    @Test func storedRowsRoundTrip() {
        var operation = Self.sample
        operation.requestor = Requestor(username: "root", protocol: "unix", address: "@")
        operation.metadata = .object([("return", .int(3)), ("note", .string("é\"\n"))])
        #expect(Operation(row: operation.row) == operation)
    }

    @Test func idsAreUUIDv7AndSortByTime() {
        let first = OperationID.make(at: Timestamp(nanoseconds: 1_000_000_000_000))
        let second = OperationID.make(at: Timestamp(nanoseconds: 2_000_000_000_000))
        #expect(OperationID.isValid(first))
        #expect(first < second)
        #expect(Array(first.utf8)[14] == UInt8(ascii: "7"))
        #expect(!OperationID.isValid("../../etc/passwd"))
    }

    @Test func progressRendersLXDsTwoForms() {
        var metadata = JSONValue.object([("old_progress", .string("x"))])
        Progress(stage: "create_instance_from_image_unpack", processed: 45, total: 100, speed: 120_500_000)
            .apply(to: &metadata)
        #expect(metadata["old_progress"] == nil)
        #expect(metadata["create_instance_from_image_unpack_progress"] == .string("Unpack: 45% (120.50MB/s)"))
        #expect(metadata["progress"]?["percent"] == .string("45"))
        #expect(metadata["progress"]?["stage"] == .string("create_instance_from_image_unpack"))
    }

    @Test func progressWithoutATotalHasNoPercent() {
        var metadata = JSONValue.object([])
        Progress(stage: "create_backup", processed: 1_200_000_000, speed: 110_000_000).apply(to: &metadata)
        #expect(metadata["create_backup_progress"] == .string("Backup: 1.20GB (110.00MB/s)"))
        #expect(metadata["progress"]?["percent"] == nil)
    }

    @Test func timestampsAgreeWithTheCLibraryAcrossCenturies() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            let expected =
                String(
                    format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                    parts.tm_hour, parts.tm_min, parts.tm_sec)
            #expect(Timestamp(nanoseconds: seconds * 1_000_000_000).description == expected)
            #expect(Timestamp(rfc3339: expected)?.nanoseconds == seconds * 1_000_000_000)
        }
        #expect(Timestamp(nanoseconds: 951_782_400_000_000_000).description == "2000-02-29T00:00:00Z")
        #expect(Timestamp(nanoseconds: -1).description == "1969-12-31T23:59:59.999999999Z")
    }

    /// schemathesis sent `GET /1.0/operations?since=4285-11-12T10:18:11+17:43`, which crashed the
    /// daemon on an Int64 overflow: a time nanoseconds cannot hold is no time.
    @Test func rfc3339TimesBeyondInt64NanosecondsAreRejectedNotTrapped() {
        #expect(Timestamp(rfc3339: "4285-11-12T10:18:11+17:43") == nil)
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59.999999999Z") == nil)
        #expect(Timestamp(rfc3339: "0001-01-01T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2262-04-11T23:47:16Z")?.nanoseconds == 9_223_372_036_000_000_000)
    }

    @Test func timestampsRenderAsRFC3339Nano() {
        #expect(Timestamp(nanoseconds: 0).description == "1970-01-01T00:00:00Z")
        #expect(Timestamp(nanoseconds: 1_500_000_000).description == "1970-01-01T00:00:01.5Z")
    }
}
