import Testing

@testable import Store

@Suite struct SQLiteConnectionTrustTests {
    private func certificate(_ fingerprint: String, name: String = "c") -> CertificateRow {
        CertificateRow(
            fingerprint: fingerprint, name: name, type: "client", restricted: false, projects: "[]",
            certificate: "-----BEGIN CERTIFICATE-----\n", createdAt: 1)
    }

    @Test func version7KeepsEarlierRowsAndAddsTheTrustTables() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Array(Schema.migrations.prefix(6)))
            try connection.replaceConfig(["operations.workers": "3"])
            try Migrator.migrate(connection, Schema.migrations)
            #expect(try connection.config() == ["operations.workers": "3"])
            try connection.insertCertificate(certificate("ab"))
            #expect(try connection.certificates() == [certificate("ab")])
        }
    }

    @Test func aPrefixFindsOneCertificateOrTellsThatItIsAmbiguous() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            for fingerprint in ["abc1", "abc2", "bcd1", "a_c1"] {
                try connection.insertCertificate(certificate(fingerprint))
            }
            #expect(try connection.certificates(fingerprintPrefix: "bc").map(\.fingerprint) == ["bcd1"])
            #expect(try connection.certificates(fingerprintPrefix: "abc").count == 2)
            // `_` is not a wildcard: only the literal prefix matches.
            #expect(try connection.certificates(fingerprintPrefix: "a_").map(\.fingerprint) == ["a_c1"])
            #expect(try connection.certificates(fingerprintPrefix: "ff").isEmpty)
        }
    }

    @Test func aCertificateIsUpdatedUnderItsOldFingerprintAndDeleted() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            try connection.insertCertificate(certificate("aa", name: "old"))
            var changed = certificate("bb", name: "new")
            changed.restricted = true
            changed.projects = "[\"default\"]"
            #expect(try connection.updateCertificate(fingerprint: "aa", to: changed) == 1)
            #expect(try connection.certificates() == [changed])
            #expect(try connection.deleteCertificate(fingerprint: "aa") == 0)
            #expect(try connection.deleteCertificate(fingerprint: "bb") == 1)
            #expect(try connection.certificates().isEmpty)
        }
    }

    @Test func aDuplicateFingerprintIsRefused() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            try connection.insertCertificate(certificate("aa"))
            #expect(throws: StoreError.self) { try connection.insertCertificate(self.certificate("aa")) }
        }
    }

    @Test func apiTokensRoundTripWithAndWithoutExpiry() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            let forever = APITokenRow(
                id: "t1", name: "ci", scope: "read-only", secretHash: "00", createdAt: 1, expiresAt: nil)
            let brief = APITokenRow(id: "t2", name: "x", scope: "admin", secretHash: "11", createdAt: 2, expiresAt: 99)
            try connection.insertAPIToken(forever)
            try connection.insertAPIToken(brief)
            #expect(try connection.apiTokens() == [forever, brief])
            #expect(try connection.apiToken(id: "t2") == brief)
            #expect(try connection.deleteAPIToken(id: "t2") == 1)
            #expect(try connection.apiToken(id: "t2") == nil)
        }
    }
}
