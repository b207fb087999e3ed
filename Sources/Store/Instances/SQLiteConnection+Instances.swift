/// The instances' SQL.
extension SQLiteConnection {
    /// Inserts `instance`; a taken name is a `SQLITE_CONSTRAINT` error (checked by the caller first).
    public func insertInstance(_ instance: InstanceRow) throws {
        try cached("INSERT INTO instances (\(InstanceRow.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .run(instance.bindings)
    }

    public func instance(name: String, project: String) throws -> InstanceRow? {
        try cached("SELECT \(InstanceRow.columns) FROM instances WHERE name = ? AND project = ?")
            .query([name, project], InstanceRow.init).first
    }

    public func instances(project: String?) throws -> [InstanceRow] {
        if let project {
            return try query(
                "SELECT \(InstanceRow.columns) FROM instances WHERE project = ? ORDER BY name", [project],
                InstanceRow.init)
        }
        return try query("SELECT \(InstanceRow.columns) FROM instances ORDER BY name", [], InstanceRow.init)
    }

    public func setInstancePhase(name: String, project: String, phase: InstanceRow.Phase) throws {
        try run("UPDATE instances SET phase = ? WHERE name = ? AND project = ?", [phase.rawValue, name, project])
    }

    public func touchInstance(name: String, project: String, at time: Int64) throws {
        try run("UPDATE instances SET last_used_at = ? WHERE name = ? AND project = ?", [time, name, project])
    }

    public func renameInstance(name: String, to newName: String, project: String) throws {
        try run("UPDATE instances SET name = ? WHERE name = ? AND project = ?", [newName, name, project])
    }

    /// Replaces what a `PUT` can change: architecture, description, ephemeral, config, devices, profiles.
    public func updateInstance(_ instance: InstanceRow) throws {
        try run(
            """
            UPDATE instances SET architecture = ?, description = ?, ephemeral = ?, config = ?, devices = ?, profiles = ?
            WHERE name = ? AND project = ?
            """,
            [
                instance.architecture, instance.description, instance.ephemeral, instance.config, instance.devices,
                instance.profiles, instance.name, instance.project,
            ])
    }

    @discardableResult
    public func deleteInstance(name: String, project: String) throws -> Int {
        try run("DELETE FROM instances WHERE name = ? AND project = ?", [name, project])
    }
}
