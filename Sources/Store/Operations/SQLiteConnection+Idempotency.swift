/// `Idempotency-Key` records: the same key and request return the same operation.
extension SQLiteConnection {
    public func idempotencyRecord(key: String) throws -> (requestHash: String, operationID: String)? {
        try cached("SELECT request_hash, operation_id FROM idempotency_keys WHERE key = ?").query([key]) {
            (requestHash: $0.string(at: 0), operationID: $0.string(at: 1))
        }.first
    }

    public func insertIdempotencyRecord(key: String, requestHash: String, operationID: String, createdAt: Int64) throws
    {
        try cached("INSERT INTO idempotency_keys (key, request_hash, operation_id, created_at) VALUES (?, ?, ?, ?)")
            .run([key, requestHash, operationID, createdAt])
    }

    @discardableResult
    public func pruneIdempotencyRecords(before createdAt: Int64) throws -> Int {
        try run("DELETE FROM idempotency_keys WHERE created_at < ?", [createdAt])
    }
}
