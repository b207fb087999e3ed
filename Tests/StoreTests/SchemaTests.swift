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

    private func operationRow(_ id: String, seq: Int64, status: Int) -> OperationRow {
        OperationRow(
            id: id, seq: seq, operationClass: "task", type: "test", description: "Testing", project: "default",
            statusCode: status, resources: "null", metadata: "{}", mayCancel: false, err: "", errCode: 0,
            requestor: nil, createdAt: seq, updatedAt: seq, finishedAt: status >= 200 ? seq : nil)
    }

    @Test func version3KeepsJobsAndWritesFewerBTrees() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Array(Schema.migrations.prefix(2)))
            try connection.insertOperation(operationRow("op-1", seq: 1, status: 103))
            try connection.insertJob(
                JobRow(operationID: "op-1", seq: 1, queueKey: "k", payload: "{}", attempt: 2, stepStarted: true))

            try Migrator.migrate(connection, Schema.migrations)
            let jobs = try connection.jobs()
            #expect(jobs.map(\.operationID) == ["op-1"])
            #expect(jobs.first?.attempt == 2 && jobs.first?.stepStarted == true)
            let indexes = try connection.query(
                """
                SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                    AND tbl_name IN ('operations', 'jobs', 'operation_log', 'events') ORDER BY name
                """, []
            ) { $0.string(at: 0) }
            #expect(indexes == ["operation_log_by_operation", "operations_by_finish", "operations_unfinished"])
            let jobsSQL = try connection.query("SELECT sql FROM sqlite_schema WHERE name = 'jobs'", []) {
                $0.string(at: 0)
            }
            #expect(jobsSQL.first?.contains("WITHOUT ROWID") == true)
            // The job still belongs to its operation: deleting that deletes the job.
            try connection.run("DELETE FROM operations WHERE id = ?", ["op-1"])
            #expect(try connection.jobs().isEmpty)
        }
    }

    @Test func filteringUnfinishedOperationsByStatusUsesTheirIndex() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            for seq in 1...6 {
                try connection.insertOperation(
                    operationRow("op-\(seq)", seq: Int64(seq), status: seq % 2 == 0 ? 200 : 103))
            }
            let running = try connection.operations(OperationQuery(statusCodes: [103, 105]))
            #expect(running.map(\.seq) == [1, 3, 5])
            let finished = try connection.operations(OperationQuery(statusCodes: [200]))
            #expect(finished.map(\.seq) == [2, 4, 6])
            let plan = try connection.query(
                "EXPLAIN QUERY PLAN SELECT id FROM operations WHERE status_code IN (103, 105) AND status_code < 200 ORDER BY seq",
                []
            ) { $0.string(at: 3) }
            #expect(plan.contains { $0.contains("operations_unfinished") })
        }
    }

    @Test func eventsArePrunedByTimeAlongTheirIDs() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            for id in Int64(1)...5 {
                try connection.insertEvent(
                    EventRow(id: id, type: "operation", project: "default", timestamp: id * 10, body: "{}"))
            }
            #expect(try connection.pruneEvents(before: 30) == 2)
            #expect(try connection.events(after: 0, limit: 10).map(\.id) == [3, 4, 5])
            #expect(try connection.pruneEvents(before: 30) == 0)
            #expect(try connection.pruneEvents(before: 1_000) == 3)
            #expect(try connection.events(after: 0, limit: 10).isEmpty)
            #expect(try connection.pruneEvents(before: 1_000) == 0)
        }
    }
}
