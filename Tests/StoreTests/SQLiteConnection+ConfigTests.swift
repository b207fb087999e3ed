import Testing

@testable import Store

@Suite struct ConfigTests {
    private static func withDatabase(_ body: (Database) throws -> Void) throws {
        try TemporaryDirectory.with { directory throws in
            try body(Database.open(path: directory + "/berth.db"))
        }
    }

    @Test func replaceConfigStoresExactlyTheGivenMap() throws {
        try Self.withDatabase { database throws in
            try database.replaceConfig(["core.https_address": "[::]:8443", "user.note": "Grüße 🚢", "empty.ok": ""])
            #expect(
                try database.config() == ["core.https_address": "[::]:8443", "user.note": "Grüße 🚢", "empty.ok": ""])

            try database.replaceConfig(["user.note": "changed"])
            #expect(try database.config() == ["user.note": "changed"])

            try database.replaceConfig([:])
            #expect(try database.config() == [:])
        }
    }

    @Test func setConfigInsertsOverwritesAndRemoves() throws {
        try Self.withDatabase { database throws in
            try database.setConfig("a", "1")
            try database.setConfig("b", "2")
            try database.setConfig("a", "one")
            #expect(try database.config() == ["a": "one", "b": "2"])
            try database.setConfig("a", nil)
            #expect(try database.config() == ["b": "2"])
            try database.setConfig("missing", nil)  // removing an absent key is not an error
            #expect(try database.config() == ["b": "2"])
        }
    }

    @Test func replaceConfigInsideAWriteIsUndoneWhenTheWriteFails() throws {
        try Self.withDatabase { database throws in
            try database.replaceConfig(["kept": "yes"])
            #expect(throws: TestError(tag: "later step failed")) {
                try database.write { connection in
                    try connection.replaceConfig(["replaced": "no"])
                    #expect(try connection.config() == ["replaced": "no"])
                    throw TestError(tag: "later step failed")
                }
            }
            #expect(try database.config() == ["kept": "yes"])
        }
    }
}
