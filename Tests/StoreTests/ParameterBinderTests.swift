import Testing

@testable import Store

@Suite struct ParameterBinderTests {
    /// Typed binding stores what the existential form stores: same storage class, same value, NULL
    /// only for nil, and text bound from bytes equal to text bound from a `String`.
    @Test func typedBindingsKeepStorageClassesAndValues() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute("CREATE TABLE t (a ANY, b ANY, c ANY, d ANY, e ANY, f ANY, g ANY) STRICT")
            let changed = try connection.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)").run { binder in
                try binder.bind(Int64.min)
                try binder.bind(true)
                try binder.bind("")
                try binder.bind(Optional<String>.none)
                try binder.bind(utf8: Array("Grüße nul\u{0}inside".utf8))
                try binder.bind(Optional<Int64>.some(7))
                try binder.bind("é")
            }
            #expect(changed == 1)
            let row = try connection.query(
                "SELECT typeof(a), a, typeof(b), b, typeof(c), c, typeof(d), typeof(e), e, f, g FROM t"
            ) { row in
                [
                    row.string(at: 0), String(row.int64(at: 1)), row.string(at: 2), String(row.int64(at: 3)),
                    row.string(at: 4), row.string(at: 5), row.string(at: 6), row.string(at: 7), row.string(at: 8),
                    String(row.int64(at: 9)), row.string(at: 10),
                ]
            }.first
            #expect(
                row == [
                    "integer", String(Int64.min), "integer", "1", "text", "", "null", "text", "Grüße nul\u{0}inside",
                    "7", "é",
                ])
        }
    }

    /// A bind past the statement's parameters is an error, not a silent no-op, and the statement is
    /// usable again afterwards.
    @Test func bindingTooManyParametersThrowsAndLeavesTheStatementReusable() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute("CREATE TABLE t (a INTEGER) STRICT")
            let statement = try connection.cached("INSERT INTO t VALUES (?)")
            #expect(throws: StoreError.self) {
                try statement.run { binder in
                    try binder.bind(1)
                    try binder.bind(2)
                }
            }
            try statement.run { try $0.bind(3) }
            #expect(try connection.query("SELECT a FROM t") { $0.int64(at: 0) } == [3])
        }
    }
}
