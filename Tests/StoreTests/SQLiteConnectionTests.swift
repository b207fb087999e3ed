import Foundation
import Testing

@testable import Store

@Suite struct SQLiteConnectionTests {
    @Test func opensNewFilesInWALModeAndTheModeIsPersistent() throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/test.db"
            let connection = try SQLiteConnection(path: path)
            #expect(try connection.pragma("journal_mode") == "wal")
            try connection.execute("CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES (1);")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            connection.close()

            // WAL is recorded in the file header (bytes 18 and 19 are 2; https://sqlite.org/fileformat2.html
            // §1.3.3), so any other program opening the file uses it too.
            let header = try #require(FileManager.default.contents(atPath: path))
            #expect(Array(header[18...19]) == [2, 2])
        }
    }

    @Test func setsSynchronousNormalAndEnforcesForeignKeys() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            #expect(try connection.pragma("synchronous") == "1")  // 1 = NORMAL
            #expect(try connection.pragma("foreign_keys") == "1")
            try connection.execute(
                """
                CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;
                CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent (id)) STRICT;
                """)
            let error = #expect(throws: StoreError.self) {
                try connection.run("INSERT INTO child (parent) VALUES (?)", [42])
            }
            guard case .sqlite(let code, let extendedCode, _, _) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code == 19)  // SQLITE_CONSTRAINT
            #expect(extendedCode == 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
        }
    }

    @Test func refusesADatabaseThatCannotUseWAL() {
        // An in-memory database has no WAL; SQLite answers journal_mode=memory.
        #expect(throws: StoreError.notWAL("memory")) {
            _ = try SQLiteConnection(path: ":memory:")
        }
    }

    @Test func failingToOpenReportsSQLitesCodeAndMessage() throws {
        try TemporaryDirectory.with { directory throws in
            let error = #expect(throws: StoreError.self) {
                _ = try SQLiteConnection(path: directory + "/missing/dir/test.db")
            }
            guard case .sqlite(let code, _, let message, let sql) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code == 14)  // SQLITE_CANTOPEN
            #expect(message.contains("unable to open"))
            #expect(sql == nil)
        }
    }

    @Test func executeRunsEveryStatementOfAScript() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute(
                """
                CREATE TABLE t (x INTEGER) STRICT;
                INSERT INTO t VALUES (1);
                INSERT INTO t VALUES (2);
                """)
            #expect(try connection.query("SELECT x FROM t ORDER BY x") { $0.int(at: 0) } == [1, 2])
        }
    }

    @Test func badSQLThrowsWithTheMessageAndTheStatement() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            let error = #expect(throws: StoreError.self) { _ = try connection.prepare("SELEC 1") }
            guard case .sqlite(let code, _, let message, let sql) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code == 1)  // SQLITE_ERROR
            #expect(message.contains("syntax error"))
            #expect(sql == "SELEC 1")
            #expect(error?.description.contains("in \"SELEC 1\"") == true)
        }
    }

    @Test func prepareRefusesMoreThanOneStatementInsteadOfDroppingTheRest() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute("CREATE TABLE t (x INTEGER) STRICT")
            for script in ["INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)", "SELECT 1; nonsense"] {
                let error = #expect(throws: StoreError.self) { _ = try connection.prepare(script) }
                #expect(error?.description.contains("more than one SQL statement") == true)
            }
            #expect(try connection.query("SELECT count(*) FROM t") { $0.int(at: 0) } == [0])
            // A trailing semicolon or comment is still one statement.
            #expect(try connection.prepare("SELECT 1; -- done\n").query { $0.int(at: 0) } == [1])
        }
    }

    @Test func reportsTheExtendedCodeOfAConstraintViolation() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE) STRICT")
            try connection.run("INSERT INTO t (name) VALUES (?)", ["web1"])
            let error = #expect(throws: StoreError.self) {
                try connection.run("INSERT INTO t (name) VALUES (?)", ["web1"])
            }
            guard case .sqlite(let code, let extendedCode, let message, _) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code == 19)  // SQLITE_CONSTRAINT
            #expect(extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(message.contains("t.name"))
        }
    }

    @Test func tracksLastInsertRowIDAndChanges() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER) STRICT")
            try connection.run("INSERT INTO t (id, x) VALUES (?, ?)", [41, 1])
            #expect(connection.lastInsertRowID == 41)
            #expect(try connection.run("INSERT INTO t (x) VALUES (?), (?)", [2, 3]) == 2)
            #expect(connection.lastInsertRowID == 43)
            #expect(try connection.run("UPDATE t SET x = x + 1 WHERE x >= ?", [2]) == 2)
            #expect(connection.changes == 2)
        }
    }

    @Test func cachedReturnsTheSameCompiledStatementForTheSameSQL() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            let first = try connection.cached("SELECT ?")
            let second = try connection.cached("SELECT ?")
            let other = try connection.cached("SELECT ?, ?")
            #expect(first === second)
            #expect(first !== other)
        }
    }

    @Test func cachedStatementsComeBackResetWithoutOldBindings() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            let statement = try connection.cached("SELECT ?")
            try statement.bind(7, at: 1)
            #expect(try statement.step())
            #expect(statement.int64(at: 0) == 7)

            let again = try connection.cached("SELECT ?")
            #expect(try again.step())
            #expect(again.isNull(at: 0))
        }
    }

    @Test func theSameCachedSQLCanRunInsideItsOwnRowLoop() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try connection.execute("CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES (1), (2), (3);")
            let sql = "SELECT x FROM t WHERE x >= ? ORDER BY x"
            let pairs = try connection.query(sql, [2]) { row in
                (row.int(at: 0), try connection.query(sql, [3]) { $0.int(at: 0) })
            }
            #expect(pairs.map(\.0) == [2, 3])
            #expect(pairs.map(\.1) == [[3], [3]])
        }
    }

    @Test func everyUseAfterCloseThrowsClosed() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            let cached = try connection.cached("SELECT 1")
            let prepared = try connection.prepare("SELECT 2")
            connection.close()
            connection.close()  // a second close is harmless
            #expect(!connection.isOpen)
            #expect(throws: StoreError.closed) { try connection.execute("SELECT 1") }
            #expect(throws: StoreError.closed) { _ = try connection.prepare("SELECT 1") }
            #expect(throws: StoreError.closed) { _ = try cached.step() }
            #expect(throws: StoreError.closed) { _ = try prepared.step() }
            #expect(throws: StoreError.closed) { try prepared.bind(1, at: 1) }
        }
    }

    @Test func aStatementOutlivingItsConnectionThrowsClosed() throws {
        try TemporaryDirectory.with { directory throws in
            var connection: SQLiteConnection? = try SQLiteConnection(path: directory + "/test.db")
            let statement = try connection!.prepare("SELECT 1")
            connection = nil
            #expect(throws: StoreError.closed) { _ = try statement.step() }
        }
    }
}
