import Testing

@testable import Store

@Suite struct SchemaTests {
    @Test func versionsRunFromOneWithoutGaps() {
        #expect(Schema.migrations.map(\.version) == Array(1...Schema.latestVersion))
        #expect(Set(Schema.migrations.map(\.name)).count == Schema.migrations.count)
    }

    @Test func configHoldsTextKeysAndRequiresAValue() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            let columns = try connection.query("SELECT name, type, \"notnull\", pk FROM pragma_table_info('config')") {
                "\($0.string(at: 0)) \($0.string(at: 1)) \($0.int(at: 2)) \($0.int(at: 3))"
            }
            #expect(columns == ["key TEXT 1 1", "value TEXT 1 0"])  // STRICT makes a PRIMARY KEY NOT NULL
            let error = #expect(throws: StoreError.self) {
                try connection.run("INSERT INTO config (key, value) VALUES (?, ?)", ["k", nil])
            }
            guard case .sqlite(let code, _, _, _) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code == 19)  // SQLITE_CONSTRAINT (NOT NULL)
        }
    }
}
