/// The job-queue SQL: operations, their jobs and their logs.
extension SQLiteConnection {
    public func insertOperation(_ operation: OperationRow) throws {
        try cached(
            "INSERT INTO operations (\(OperationRow.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ).run { binder in
            try binder.bind(operation.id)
            try binder.bind(operation.seq)
            try binder.bind(operation.operationClass)
            try binder.bind(operation.type)
            try binder.bind(operation.description)
            try binder.bind(operation.project)
            try binder.bind(operation.statusCode)
            try binder.bind(operation.resources)
            try binder.bind(operation.metadata)
            try binder.bind(operation.mayCancel)
            try binder.bind(operation.err)
            try binder.bind(operation.errCode)
            try binder.bind(operation.requestor)
            try binder.bind(operation.createdAt)
            try binder.bind(operation.updatedAt)
            try binder.bind(operation.finishedAt)
        }
    }

    /// Writes every mutable column of `operation` (status, metadata, resources, cancel flag, error, times).
    public func updateOperation(_ operation: OperationRow) throws {
        try cached(
            """
            UPDATE operations SET status_code = ?, resources = ?, metadata = ?, may_cancel = ?, err = ?,
                err_code = ?, updated_at = ?, finished_at = ? WHERE id = ?
            """
        ).run { binder in
            try binder.bind(operation.statusCode)
            try binder.bind(operation.resources)
            try binder.bind(operation.metadata)
            try binder.bind(operation.mayCancel)
            try binder.bind(operation.err)
            try binder.bind(operation.errCode)
            try binder.bind(operation.updatedAt)
            try binder.bind(operation.finishedAt)
            try binder.bind(operation.id)
        }
    }

    public func operation(id: String) throws -> OperationRow? {
        try cached("SELECT \(OperationRow.columns) FROM operations WHERE id = ?").query([id], OperationRow.init).first
    }

    /// Operations matching `query`, in submission order.
    public func operations(_ query: OperationQuery) throws -> [OperationRow] {
        var clauses: [String] = []
        var bindings: [(any SQLiteValueConvertible)?] = []
        if let codes = query.statusCodes {
            if codes.isEmpty { return [] }
            clauses.append("status_code IN (\(codes.map { _ in "?" }.joined(separator: ", ")))")
            bindings += codes.map { $0 }
            // Lets SQLite use the index of unfinished operations, which it cannot infer from IN.
            if codes.allSatisfy({ $0 < 200 }) { clauses.append("status_code < 200") }
        }
        if let type = query.type {
            clauses.append("type = ?")
            bindings.append(type)
        }
        if let resource = query.resource {
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(resources), json_each(json_each.value) AS url WHERE url.value = ?)")
            bindings.append(resource)
        }
        if let since = query.updatedSince {
            clauses.append("updated_at >= ?")
            bindings.append(since)
        }
        if let project = query.project {
            clauses.append("project = ?")
            bindings.append(project)
        }
        var sql = "SELECT \(OperationRow.columns) FROM operations"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY seq LIMIT ? OFFSET ?"
        bindings.append(query.limit ?? -1)
        bindings.append(max(0, query.offset))
        return try self.query(sql, bindings, OperationRow.init)
    }

    /// The highest `seq` ever given, so numbering continues after a restart.
    public func maxOperationSeq() throws -> Int64 {
        try query("SELECT COALESCE(MAX(seq), 0) FROM operations", []) { $0.int64(at: 0) }.first ?? 0
    }

    public func insertJob(_ job: JobRow) throws {
        try cached("INSERT INTO jobs (\(JobRow.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run { binder in
            try binder.bind(job.operationID)
            try binder.bind(job.seq)
            try binder.bind(job.queueKey)
            try binder.bind(job.payload)
            try binder.bind(job.attempt)
            try binder.bind(job.stepIndex)
            try binder.bind(job.stepStarted)
            try binder.bind(job.stepDeadline)
            try binder.bind(job.leaseOwner)
            try binder.bind(job.leaseExpires)
        }
    }

    public func updateJob(_ job: JobRow) throws {
        try cached(
            """
            UPDATE jobs SET attempt = ?, step_index = ?, step_started = ?, step_deadline = ?, lease_owner = ?,
                lease_expires = ? WHERE operation_id = ?
            """
        ).run { binder in
            try binder.bind(job.attempt)
            try binder.bind(job.stepIndex)
            try binder.bind(job.stepStarted)
            try binder.bind(job.stepDeadline)
            try binder.bind(job.leaseOwner)
            try binder.bind(job.leaseExpires)
            try binder.bind(job.operationID)
        }
    }

    /// Renews the leases of the jobs `owner` holds.
    public func renewLeases(owner: String, operationIDs: [String], expires: Int64) throws {
        let statement = try cached("UPDATE jobs SET lease_expires = ? WHERE operation_id = ? AND lease_owner = ?")
        for id in operationIDs { try statement.run([expires, id, owner]) }
    }

    public func deleteJob(operationID: String) throws {
        try cached("DELETE FROM jobs WHERE operation_id = ?").run { try $0.bind(operationID) }
    }

    /// Every job not yet final, in submission order (what recovery and the scheduler start from).
    public func jobs() throws -> [JobRow] {
        try query("SELECT \(JobRow.columns) FROM jobs ORDER BY seq", [], JobRow.init)
    }

    public func appendLog(_ line: OperationLogRow) throws {
        try cached("INSERT INTO operation_log (operation_id, time, level, message) VALUES (?, ?, ?, ?)").run {
            binder in
            try binder.bind(line.operationID)
            try binder.bind(line.time)
            try binder.bind(line.level)
            try binder.bind(line.message)
        }
    }

    public func log(operationID: String) throws -> [OperationLogRow] {
        try cached(
            "SELECT id, operation_id, time, level, message FROM operation_log WHERE operation_id = ? ORDER BY id"
        )
        .query([operationID]) {
            OperationLogRow(
                id: $0.int64(at: 0), operationID: $0.string(at: 1), time: $0.int64(at: 2), level: $0.string(at: 3),
                message: $0.string(at: 4))
        }
    }

    /// Deletes final operations that finished before `finishedBefore`, then the oldest final ones beyond
    /// `keepAtMost`; their logs go with them. Returns how many were deleted.
    @discardableResult
    public func pruneOperations(finishedBefore: Int64, keepAtMost: Int) throws -> Int {
        var deleted = try run(
            "DELETE FROM operations WHERE finished_at IS NOT NULL AND finished_at < ?", [finishedBefore])
        deleted += try run(
            """
            DELETE FROM operations WHERE id IN (
                SELECT id FROM operations WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT -1 OFFSET ?)
            """, [max(0, keepAtMost)])
        return deleted
    }
}
