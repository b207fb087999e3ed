import Testing

@testable import Store

@Suite struct SQLiteConnectionSnapshotsTests {
    private func instance(_ name: String) -> InstanceRow {
        InstanceRow(
            name: name, project: "default", type: "container", architecture: "x86_64", description: "",
            ephemeral: false, stateful: false, config: "{}", devices: "{}", profiles: "[]", imageFingerprint: nil,
            createdAt: 1, lastUsedAt: nil, phase: .ready)
    }

    private func snapshot(_ name: String, of instance: String, expiresAt: Int64? = nil) -> SnapshotRow {
        SnapshotRow(
            instance: instance, name: name, project: "default", description: "", architecture: "x86_64",
            ephemeral: false, stateful: false, config: "{\"limits.cpu\":\"1\"}", devices: "{}", profiles: "[]",
            createdAt: 10, expiresAt: expiresAt, phase: .ready)
    }

    @Test func version6KeepsEarlierRowsAndAddsSnapshots() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Array(Schema.migrations.prefix(5)))
            try connection.insertInstance(instance("c1"))
            try Migrator.migrate(connection, Schema.migrations)
            #expect(try connection.instance(name: "c1", project: "default") != nil)
            try connection.insertSnapshot(snapshot("s1", of: "c1"))
            #expect(try connection.snapshots(instance: "c1", project: "default") == [snapshot("s1", of: "c1")])
        }
    }

    @Test func anInstancesRenameCarriesItsSnapshotsAndItsDeleteRemovesThem() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            try connection.insertInstance(instance("c1"))
            try connection.insertSnapshot(snapshot("s1", of: "c1"))
            try connection.renameInstance(name: "c1", to: "c2", project: "default")
            #expect(try connection.snapshots(instance: "c1", project: "default").isEmpty)
            #expect(try connection.snapshots(instance: "c2", project: "default").map(\.name) == ["s1"])
            try connection.deleteInstance(name: "c2", project: "default")
            #expect(try connection.snapshots(instance: "c2", project: "default").isEmpty)
        }
    }

    @Test func aSnapshotNeedsItsInstanceAndANameOfItsOwn() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            #expect(throws: StoreError.self) { try connection.insertSnapshot(snapshot("s1", of: "missing")) }
            try connection.insertInstance(instance("c1"))
            try connection.insertSnapshot(snapshot("s1", of: "c1"))
            #expect(throws: StoreError.self) { try connection.insertSnapshot(snapshot("s1", of: "c1")) }
        }
    }

    @Test func onlyReadySnapshotsPastTheirExpiryAreExpired() throws {
        try TemporaryDirectory.with { directory throws in
            let connection = try SQLiteConnection(path: directory + "/test.db")
            try Migrator.migrate(connection, Schema.migrations)
            try connection.insertInstance(instance("c1"))
            try connection.insertSnapshot(snapshot("never", of: "c1"))
            try connection.insertSnapshot(snapshot("past", of: "c1", expiresAt: 100))
            try connection.insertSnapshot(snapshot("future", of: "c1", expiresAt: 300))
            var creating = snapshot("creating", of: "c1", expiresAt: 50)
            creating.phase = .creating
            try connection.insertSnapshot(creating)
            #expect(try connection.expiredSnapshots(at: 200).map(\.name) == ["past"])
        }
    }
}
