import Testing

@testable import Store

@Suite struct TransactionTests {
    private static func withTable(_ body: (String, SQLiteConnection) throws -> Void) throws {
        try TemporaryDirectory.with { directory throws in
            let path = directory + "/test.db"
            let connection = try SQLiteConnection(path: path)
            try connection.execute("CREATE TABLE t (x INTEGER) STRICT")
            try body(path, connection)
        }
    }

    private static func values(_ connection: SQLiteConnection) throws -> [Int] {
        try connection.query("SELECT x FROM t ORDER BY x") { $0.int(at: 0) }
    }

    @Test func commitsWhenTheBodyReturnsAndPassesItsValueThrough() throws {
        try Self.withTable { path, connection throws in
            let returned = try connection.transaction(.immediate) { connection in
                try connection.run("INSERT INTO t VALUES (?), (?)", [1, 2])
                return "done"
            }
            #expect(returned == "done")
            #expect(!connection.isInTransaction)
            // Committed means another connection sees it.
            #expect(try Self.values(SQLiteConnection(path: path)) == [1, 2])
        }
    }

    @Test func rollsBackWhenTheBodyThrowsAndRethrowsTheOriginalError() throws {
        try Self.withTable { path, connection throws in
            try connection.run("INSERT INTO t VALUES (?)", [1])
            #expect(throws: TestError(tag: "original")) {
                try connection.transaction(.immediate) { connection in
                    try connection.run("INSERT INTO t VALUES (?)", [2])
                    #expect(try Self.values(connection) == [1, 2])
                    throw TestError(tag: "original")
                }
            }
            #expect(!connection.isInTransaction)
            #expect(try Self.values(connection) == [1])
            #expect(try Self.values(SQLiteConnection(path: path)) == [1])
        }
    }

    @Test func aSQLiteErrorInTheBodyRollsBackEarlierWrites() throws {
        try Self.withTable { _, connection throws in
            #expect(throws: StoreError.self) {
                try connection.transaction(.immediate) { connection in
                    try connection.run("INSERT INTO t VALUES (?)", [1])
                    try connection.run("INSERT INTO t VALUES (?)", ["not an integer"])  // STRICT refuses it
                }
            }
            #expect(try Self.values(connection) == [])
        }
    }

    @Test func nestedTransactionsAreSavepointsThatRollBackOnlyTheirOwnWork() throws {
        try Self.withTable { path, connection throws in
            try connection.transaction(.immediate) { connection in
                try connection.run("INSERT INTO t VALUES (?)", [1])
                #expect(throws: TestError(tag: "inner")) {
                    try connection.transaction(.immediate) { connection in
                        try connection.run("INSERT INTO t VALUES (?)", [2])
                        throw TestError(tag: "inner")
                    }
                }
                try connection.transaction(.immediate) { connection in
                    try connection.run("INSERT INTO t VALUES (?)", [3])
                }
                #expect(connection.isInTransaction)  // the inner ones did not end the outer one
            }
            #expect(try Self.values(SQLiteConnection(path: path)) == [1, 3])
        }
    }

    @Test func anOuterRollbackUndoesReleasedSavepoints() throws {
        try Self.withTable { _, connection throws in
            #expect(throws: TestError(tag: "outer")) {
                try connection.transaction(.immediate) { connection in
                    try connection.transaction(.immediate) { connection in
                        try connection.run("INSERT INTO t VALUES (?)", [1])
                    }
                    throw TestError(tag: "outer")
                }
            }
            #expect(try Self.values(connection) == [])
        }
    }

    @Test func aWriteLockHeldElsewhereFailsWithBusyAfterTheBusyTimeout() throws {
        try Self.withTable { path, holder throws in
            try holder.execute("BEGIN IMMEDIATE")
            try holder.run("INSERT INTO t VALUES (?)", [1])

            let waiter = try SQLiteConnection(path: path, busyTimeout: .milliseconds(50))
            let clock = ContinuousClock()
            let started = clock.now
            let error = #expect(throws: StoreError.self) {
                try waiter.transaction(.immediate) { connection in
                    try connection.run("INSERT INTO t VALUES (?)", [2])
                }
            }
            let waited = clock.now - started
            #expect(error?.isBusy == true)
            if case .sqlite(_, _, _, let sql) = error { #expect(sql == "BEGIN IMMEDIATE") }
            #expect(waited >= .milliseconds(40))  // it did wait for the lock…
            #expect(waited < .seconds(4))  // …for its own timeout, not the 5 s default
            #expect(!waiter.isInTransaction)

            // Once the lock is released the waiter gets through.
            try holder.execute("COMMIT")
            try waiter.transaction(.immediate) { connection in
                try connection.run("INSERT INTO t VALUES (?)", [2])
            }
            #expect(try Self.values(holder) == [1, 2])
        }
    }

    @Test func readersAreNotBlockedByAnOpenWriteTransaction() throws {
        try Self.withTable { path, writer throws in
            try writer.run("INSERT INTO t VALUES (?)", [1])
            try writer.execute("BEGIN IMMEDIATE")
            try writer.run("INSERT INTO t VALUES (?)", [2])

            let reader = try SQLiteConnection(path: path, busyTimeout: .milliseconds(50))
            // WAL: the reader sees the last committed state at once, not the uncommitted row.
            let seen = try reader.transaction(.deferred) { try Self.values($0) }
            #expect(seen == [1])
            try writer.execute("COMMIT")
        }
    }
}
