import Testing

@testable import Store

@Suite struct StatementTests {
    /// A table whose `ANY` column keeps every value's storage class exactly (STRICT tables do not
    /// coerce `ANY`), so a wrong binding shows up as a wrong `typeof`.
    private static func withValuesTable(_ body: (SQLiteConnection) throws -> Void) throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, value ANY) STRICT")
            try body(connection)
        }
    }

    /// Reads the value back through the accessor its storage class calls for.
    private static func storedValue(_ connection: SQLiteConnection) throws -> SQLiteValue? {
        try connection.query("SELECT typeof(value), value FROM v") { row -> SQLiteValue in
            switch row.string(at: 0) {
            case "integer": .integer(row.int64(at: 1))
            case "real": .real(row.double(at: 1))
            case "text": .text(row.string(at: 1))
            case "blob": .blob(row.blob(at: 1))
            default: .null
            }
        }.first
    }

    @Test(arguments: [
        SQLiteValue.integer(0), .integer(Int64.max), .integer(Int64.min), .real(3.25), .real(-1e300),
        .text(""), .text("plain"), .text("Grüße 🚢 日本語"), .text("e\u{301} vs é"), .text("nul\u{0}inside"),
        .blob([]), .blob([0]), .blob([0, 0, 255, 0, 1]), .null,
    ])
    func everyValueRoundTripsWithItsStorageClass(value: SQLiteValue) throws {
        try Self.withValuesTable { connection throws in
            try connection.run("INSERT INTO v (value) VALUES (?)", [value])
            #expect(try Self.storedValue(connection) == value)
        }
    }

    @Test func swiftTypesBindToTheirStorageClassesAndReadBack() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute(
                "CREATE TABLE t (i64 ANY, i ANY, d ANY, s ANY, b ANY, empty ANY, yes ANY, no ANY, n ANY) STRICT")
            let noText: String? = nil
            try connection.run(
                "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [Int64(-9_000_000_000), 42, 0.5, "ünï ✓", [UInt8]([0, 1, 0]), [UInt8](), true, false, noText])
            let types = try connection.query(
                "SELECT typeof(i64), typeof(i), typeof(d), typeof(s), typeof(b), typeof(empty), typeof(yes), "
                    + "typeof(no), typeof(n) FROM t"
            ) { row in (0..<row.columnCount).map { row.string(at: $0) } }
            #expect(types == [["integer", "integer", "real", "text", "blob", "blob", "integer", "integer", "null"]])

            let statement = try connection.prepare("SELECT * FROM t")
            #expect(try statement.step())
            #expect(statement.int64(at: 0) == -9_000_000_000)
            #expect(statement.int(at: 1) == 42)
            #expect(statement.double(at: 2) == 0.5)
            #expect(statement.string(at: 3) == "ünï ✓")
            #expect(statement.blob(at: 4) == [0, 1, 0])
            #expect(statement.blob(at: 5) == [])
            #expect(!statement.isNull(at: 5))
            #expect(statement.bool(at: 6) == true)
            #expect(statement.bool(at: 7) == false)
            #expect(statement.isNull(at: 8))
            #expect(!statement.isNull(at: 0))
            #expect(statement.columnName(at: 3) == "s")
            #expect(try !statement.step())
        }
    }

    @Test func rowReadsNullableColumnsAsOptionals() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            let rows = try connection.query("SELECT ?, ?, ?, ?", ["x", nil, 7, nil]) { row in
                [
                    row.optionalString(at: 0), row.optionalString(at: 1),
                    row.optionalInt64(at: 2).map(String.init), row.optionalInt64(at: 3).map(String.init),
                ]
            }
            #expect(rows == [["x", nil, "7", nil]])
        }
    }

    @Test func bindsNamedParametersWithAnyPrefix() throws {
        try Self.withValuesTable { connection throws in
            let statement = try connection.prepare("SELECT :a, @b, $c, :a")
            try statement.bind("first", named: ":a")
            try statement.bind(2, named: "@b")
            try statement.bind(3.5, named: "$c")
            #expect(try statement.step())
            #expect(statement.string(at: 0) == "first")
            #expect(statement.int64(at: 1) == 2)
            #expect(statement.double(at: 2) == 3.5)
            #expect(statement.string(at: 3) == "first")

            let bare = try connection.prepare("SELECT :name")
            #expect(
                try bare.query(named: ["name": "no prefix means colon"]) { $0.string(at: 0) } == [
                    "no prefix means colon"
                ])
        }
    }

    @Test func anUnknownParameterNameIsAnErrorNotANull() throws {
        try Self.withValuesTable { connection throws in
            let statement = try connection.prepare("INSERT INTO v (value) VALUES (:value)")
            let error = #expect(throws: StoreError.self) { try statement.run(named: [":valeu": 1]) }
            guard case .sqlite(let code, _, let message, _) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code == 25)  // SQLITE_RANGE
            #expect(message == "no parameter named :valeu")
            #expect(try connection.query("SELECT count(*) FROM v") { $0.int(at: 0) } == [0])
        }
    }

    @Test func anIndexOutOfRangeIsAnError() throws {
        try Self.withValuesTable { connection throws in
            let statement = try connection.prepare("SELECT ?")
            let error = #expect(throws: StoreError.self) { try statement.bind(1, at: 2) }
            guard case .sqlite(let code, _, _, _) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code == 25)  // SQLITE_RANGE
        }
    }

    @Test func stepReturnsEachRowThenFalseAndResetRunsItAgain() throws {
        try Self.withValuesTable { connection throws in
            try connection.run("INSERT INTO v (value) VALUES (?), (?)", [10, 20])
            let statement = try connection.prepare("SELECT value FROM v WHERE value >= ? ORDER BY value")
            try statement.bind(10, at: 1)
            var seen: [Int64] = []
            while try statement.step() { seen.append(statement.int64(at: 0)) }
            #expect(seen == [10, 20])

            statement.reset()
            #expect(try statement.step())
            #expect(statement.int64(at: 0) == 10)  // the binding survived the reset
        }
    }

    @Test func clearBindingsSetsEveryParameterToNull() throws {
        try Self.withValuesTable { connection throws in
            let statement = try connection.prepare("SELECT ?, ?")
            try statement.bind([1, "two"])
            statement.clearBindings()
            #expect(try statement.step())
            #expect(statement.isNull(at: 0))
            #expect(statement.isNull(at: 1))
        }
    }

    @Test func queryMapsEveryRowAndRunReportsChangedRows() throws {
        try Self.withValuesTable { connection throws in
            let insert = try connection.prepare("INSERT INTO v (value) VALUES (?)")
            #expect(try insert.run(["a"]) == 1)
            #expect(try insert.run(["b"]) == 1)
            let select = try connection.prepare("SELECT id, value FROM v ORDER BY id")
            let rows = try select.query { "\($0.int(at: 0)):\($0.string(at: 1))" }
            #expect(rows == ["1:a", "2:b"])
            #expect(try select.query { $0.string(at: 1) } == ["a", "b"])  // reusable after a query
        }
    }

    @Test func aParameterLeftOutOfALaterRunIsNullNotTheOldValue() throws {
        try Self.withValuesTable { connection throws in
            let select = try connection.prepare("SELECT ?, ?")
            #expect(
                try select.query(["a", "b"]) { [$0.optionalString(at: 0), $0.optionalString(at: 1)] } == [["a", "b"]])
            #expect(try select.query(["c"]) { [$0.optionalString(at: 0), $0.optionalString(at: 1)] } == [["c", nil]])
        }
    }

    @Test func aQueryStoppedByAThrowingMapIsResetSoItHoldsNoReadLock() throws {
        try Self.withValuesTable { connection throws in
            try connection.run("INSERT INTO v (value) VALUES (1), (2)")
            let statement = try connection.prepare("SELECT value FROM v")
            #expect(throws: TestError(tag: "stop")) {
                _ = try statement.query { _ in throw TestError(tag: "stop") }
            }
            #expect(!statement.isBusy)
        }
    }
}
