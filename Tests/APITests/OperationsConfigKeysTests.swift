import Foundation
import HTTP
import Operations
import Store
import Testing

@testable import API

@Suite struct OperationsConfigKeysTests {
    @Test(arguments: [
        ("90s", Int64(90_000)), ("30m", 1_800_000), ("24h", 86_400_000), ("7d", 604_800_000), ("3600", 3_600_000),
        ("0", 0),
    ])
    func retentionAcceptsDurations(text: String, milliseconds: Int64) {
        #expect(OperationsConfigKeys.retentionMilliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", "h", "-1h", "1.5h", "1w", "99999999999d", "１h"])
    func retentionRejectsEverythingElse(text: String) {
        #expect(OperationsConfigKeys.retentionMilliseconds(text) == nil)
    }

    @Test func patchingTheKeysReconfiguresTheRunningQueue() async throws {
        let api = try APITestHarness()
        let result = await api.send(
            .patch, "/1.0", body: #"{"config":{"operations.workers":"3","operations.retention":"2h"}}"#)
        #expect(result.status == 200)
        #expect(api.context.operations.configuration.workers == 3)
        #expect(api.context.operations.configuration.retentionMilliseconds == 7_200_000)
        let info = await api.send(.get, "/1.0")
        let config = (info.json["metadata"] as? [String: Any])?["config"] as? [String: String]
        #expect(config == ["operations.retention": "2h", "operations.workers": "3"])
        // Unsetting a key (empty value) restores its default.
        #expect(await api.send(.patch, "/1.0", body: #"{"config":{"operations.workers":""}}"#).status == 200)
        #expect(api.context.operations.configuration.workers == OperationsConfiguration().workers)
    }

    @Test func invalidValuesAreRefusedInLXDsWordingAndChangeNothing() async throws {
        let api = try APITestHarness()
        let result = await api.send(.patch, "/1.0", body: #"{"config":{"operations.workers":"0"}}"#)
        #expect(result.status == 400)
        #expect(
            result.json["error"] as? String
                == "cannot set 'operations.workers' to '0': expected an integer from 1 to 256")
        #expect(api.context.operations.configuration.workers == OperationsConfiguration().workers)
        #expect(try api.database.read { try $0.config() }.isEmpty)
    }
}
