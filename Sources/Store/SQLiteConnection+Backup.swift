import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

extension SQLiteConnection {
    /// Writes a consistent copy of this connection's database to `path` with SQLite's online backup
    /// API, while other connections (a running berthd) go on reading and writing.
    ///
    /// - The pages are copied in one `sqlite3_backup_step(-1)`, under one read transaction: in WAL mode
    ///   that is a snapshot which writers do not block and cannot change, so the copy holds exactly
    ///   the transactions committed when it began. (Copying in slices would restart at every write
    ///   another connection commits, and under steady writes might never finish.)
    /// - The copy is a self-contained file (rollback journal, no `-wal`), checked with
    ///   `PRAGMA integrity_check` and synced before it is renamed from `path.tmp` to `path`; whatever
    ///   fails, `path` is either the previous file or a complete copy, and `path.tmp` is removed.
    /// - An existing `path` is replaced; callers decide whether that is allowed.
    ///
    /// Throws `StoreError.backupFailed` for the destination's problems and
    /// `StoreError.unusableDatabase` when the copy of this database fails the integrity check.
    public func backup(to path: String, busyTimeout: Duration = SQLiteConnection.defaultBusyTimeout) throws {
        let source = try openHandle()
        let temporary = path + ".tmp"
        for leftover in [temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm"] {
            unlink(leftover)
        }
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let opened = sqlite3_open_v2(temporary, &handle, flags, nil)
        var renamed = false
        defer {
            sqlite3_close_v2(handle)  // nil once closed below: a no-op then
            if !renamed { unlink(temporary) }
        }
        guard opened == SQLITE_OK, let destination = handle else {
            throw StoreError.backupFailed(path: path, reason: Self.message(handle, opened))
        }
        try Self.copyPages(from: source, to: destination, path: path, busyTimeout: busyTimeout)
        // The pages carry the source's WAL marker; a backup must open with nothing beside it.
        let mode = try Self.firstColumn(destination, "PRAGMA journal_mode=DELETE", path: path)
        guard mode.first?.lowercased() == "delete" else {
            throw StoreError.backupFailed(path: path, reason: "journal_mode=DELETE answered \(mode)")
        }
        let check = try Self.firstColumn(destination, "PRAGMA integrity_check", path: path)
        guard check == ["ok"] else {
            throw StoreError.unusableDatabase(
                path: self.path,
                reason: "its copy fails PRAGMA integrity_check: " + check.prefix(5).joined(separator: "; "))
        }
        let closed = sqlite3_close(destination)
        guard closed == SQLITE_OK else { throw StoreError.backupFailed(path: path, reason: Self.message(nil, closed)) }
        handle = nil
        try Self.syncFile(temporary, path: path)
        guard rename(temporary, path) == 0 else {
            throw StoreError.backupFailed(path: path, reason: "rename from \(temporary): \(Self.errnoText())")
        }
        renamed = true
        // The rename is durable only once the directory is synced.
        try Self.syncFile(Self.directory(of: path), path: path)
    }

    private static func copyPages(
        from source: OpaquePointer, to destination: OpaquePointer, path: String, busyTimeout: Duration
    ) throws {
        guard let backup = sqlite3_backup_init(destination, "main", source, "main") else {
            throw StoreError.backupFailed(path: path, reason: message(destination, sqlite3_errcode(destination)))
        }
        let deadline = ContinuousClock.now + busyTimeout
        var result: Int32
        repeat {
            result = sqlite3_backup_step(backup, -1)
            // Busy or locked: the source's read lock was not available (a WAL recovery, an exclusive
            // checkpoint); nothing is copied yet, so trying again is safe.
            if result == SQLITE_BUSY || result == SQLITE_LOCKED {
                guard ContinuousClock.now < deadline else { break }
                usleep(20_000)
            }
        } while result == SQLITE_OK || result == SQLITE_BUSY || result == SQLITE_LOCKED
        let finished = sqlite3_backup_finish(backup)
        guard result == SQLITE_DONE, finished == SQLITE_OK else {
            let code = result == SQLITE_DONE ? finished : result
            if code & 0xFF == SQLITE_CORRUPT || code & 0xFF == SQLITE_NOTADB {
                throw StoreError.unusableDatabase(path: path, reason: message(source, code))
            }
            throw StoreError.backupFailed(path: path, reason: message(destination, code))
        }
    }

    /// The first column of every row `sql` returns, as text, on a raw handle.
    private static func firstColumn(_ db: OpaquePointer, _ sql: String, path: String) throws -> [String] {
        var statement: OpaquePointer?
        var result = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        var rows: [String] = []
        while result == SQLITE_OK || result == SQLITE_ROW {
            result = sqlite3_step(statement)
            if result == SQLITE_ROW {
                rows.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
            }
        }
        guard result == SQLITE_DONE else {
            throw StoreError.backupFailed(path: path, reason: "\(sql): \(message(db, result))")
        }
        return rows
    }

    private static func syncFile(_ file: String, path: String) throws {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError.backupFailed(path: path, reason: "open \(file): \(errnoText())")
        }
        defer { Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreError.backupFailed(path: path, reason: "fsync \(file): \(errnoText())")
        }
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func message(_ db: OpaquePointer?, _ code: Int32) -> String {
        let text =
            db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
        return "\(text) (sqlite error \(code))"
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
