/// The instance snapshots' SQL. An instance's rename and delete reach its snapshots through the
/// table's foreign key.
extension SQLiteConnection {
    /// Inserts `snapshot`; a taken name is a `SQLITE_CONSTRAINT` error (checked by the caller first).
    public func insertSnapshot(_ snapshot: SnapshotRow) throws {
        try cached(
            "INSERT INTO instance_snapshots (\(SnapshotRow.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ).run(snapshot.bindings)
    }

    public func snapshot(instance: String, name: String, project: String) throws -> SnapshotRow? {
        try cached(
            "SELECT \(SnapshotRow.columns) FROM instance_snapshots WHERE instance = ? AND name = ? AND project = ?"
        ).query([instance, name, project], SnapshotRow.init).first
    }

    /// The instance's snapshots, oldest first (LXD's order), in every phase.
    public func snapshots(instance: String, project: String) throws -> [SnapshotRow] {
        try cached(
            """
            SELECT \(SnapshotRow.columns) FROM instance_snapshots WHERE instance = ? AND project = ?
            ORDER BY created_at, name
            """
        ).query([instance, project], SnapshotRow.init)
    }

    /// Ready snapshots whose `expires_at` is at or before `time`, soonest first.
    public func expiredSnapshots(at time: Int64) throws -> [SnapshotRow] {
        try query(
            """
            SELECT \(SnapshotRow.columns) FROM instance_snapshots
            WHERE expires_at IS NOT NULL AND expires_at <= ? AND phase = 'ready' ORDER BY expires_at
            """, [time], SnapshotRow.init)
    }

    public func setSnapshotPhase(instance: String, name: String, project: String, phase: SnapshotRow.Phase) throws {
        try run(
            "UPDATE instance_snapshots SET phase = ? WHERE instance = ? AND name = ? AND project = ?",
            [phase.rawValue, instance, name, project])
    }

    /// Replaces what a snapshot's `PUT` can change.
    public func updateSnapshot(
        instance: String, name: String, project: String, description: String, expiresAt: Int64?
    ) throws {
        try run(
            """
            UPDATE instance_snapshots SET description = ?, expires_at = ?
            WHERE instance = ? AND name = ? AND project = ?
            """, [description, expiresAt, instance, name, project])
    }

    public func renameSnapshot(instance: String, name: String, to newName: String, project: String) throws {
        try run(
            "UPDATE instance_snapshots SET name = ? WHERE instance = ? AND name = ? AND project = ?",
            [newName, instance, name, project])
    }

    @discardableResult
    public func deleteSnapshot(instance: String, name: String, project: String) throws -> Int {
        try run(
            "DELETE FROM instance_snapshots WHERE instance = ? AND name = ? AND project = ?",
            [instance, name, project])
    }
}
