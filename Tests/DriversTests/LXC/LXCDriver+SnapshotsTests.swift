import Drivers
import Foundation
import Testing

/// Snapshots of real containers: made while running (frozen only for the copy), restored, copied,
/// renamed and deleted, and what an interrupted call leaves cleaned up.
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct LXCDriverSnapshotsTests {
    private var fixture: LXCFixture {
        get throws { try #require(LXCFixture.current) }
    }

    private static func attach(_ driver: LXCDriver, _ name: String, _ script: String) async throws -> String {
        try await HostCommand(
            "/usr/bin/lxc-attach", ["-n", name, "-P", driver.lxcPath, "--", "/bin/sh", "-c", script]
        ).run().stdoutText
    }

    @Test func aSnapshotOfARunningContainerRestoresItsFilesAndLeavesItRunning() async throws {
        try await fixture.withContainer("snap") { driver, name in
            try await driver.start(name: name, log: { _ in })
            _ = try await Self.attach(driver, name, "echo before > /root/note && rm /etc/hostname")
            let log = LogLines()
            try await driver.createSnapshot(of: name, named: "s1", log: log.sink) { _, _ in }
            #expect(try await driver.state(name: name).status == .running)
            #expect(log.all.contains { $0.contains("FROZEN >") } || log.all.contains { $0.contains("lxc-freeze") })
            #expect(try await driver.snapshots(of: name) == ["s1"])
            await #expect(throws: InstanceDriverError.alreadyExists("s1")) {
                try await driver.createSnapshot(of: name, named: "s1", log: { _ in }) { _, _ in }
            }

            _ = try await Self.attach(driver, name, "echo after > /root/note && touch /root/new")
            await #expect(throws: InstanceDriverError.instanceRunning) {
                try await driver.restoreSnapshot(of: name, named: "s1", log: { _ in })
            }
            try await driver.stop(name: name, timeout: .seconds(5), force: true, log: { _ in })
            try await driver.restoreSnapshot(of: name, named: "s1", log: { _ in })
            try await driver.start(name: name, log: { _ in })
            let seen = try await Self.attach(
                driver, name, "cat /root/note; test -e /root/new || echo no-new; test -e /etc/hostname || echo gone")
            #expect(seen == "before\nno-new\ngone\n")
            let entries = try FileManager.default.contentsOfDirectory(atPath: "\(driver.lxcPath)/\(name)/snapshots")
            #expect(entries == ["s1"])
        }
    }

    @Test func aCopyOfASnapshotHasItsFilesAndRenameAndDeleteWork() async throws {
        let fixture = try fixture
        let copy = LXCFixture.uniqueName("fromsnap")
        try await fixture.withContainer("origin") { driver, name in
            try await LXCFixture.removing([copy], driver: driver) {
                try await driver.start(name: name, log: { _ in })
                _ = try await Self.attach(driver, name, "echo kept > /root/note")
                try await driver.createSnapshot(of: name, named: "s1", log: { _ in }) { _, _ in }
                _ = try await Self.attach(driver, name, "echo later > /root/note")
                try await driver.copy(fromSnapshot: "s1", of: name, to: InstanceSpec(name: copy), log: { _ in })
                try await driver.start(name: copy, log: { _ in })
                #expect(try await Self.attach(driver, copy, "cat /root/note") == "kept\n")

                try await driver.renameSnapshot(of: name, from: "s1", to: "s2", log: { _ in })
                #expect(try await driver.snapshots(of: name) == ["s2"])
                try await driver.deleteSnapshot(of: name, named: "s2", log: { _ in })
                try await driver.deleteSnapshot(of: name, named: "s2", log: { _ in })  // harmless again
                #expect(try await driver.snapshots(of: name) == [])
            }
        }
    }

    @Test func whatAnInterruptedSnapshotLeftIsRemovedAndAFrozenContainerThawed() async throws {
        try await fixture.withContainer("crash") { driver, name in
            try await driver.start(name: name, log: { _ in })
            let snapshots = "\(driver.lxcPath)/\(name)/snapshots"
            // As a kill -9 in the middle of a copy leaves it: a temporary, the marker, frozen.
            try FileManager.default.createDirectory(atPath: "\(snapshots)/.tmp-left", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: "\(snapshots)/.frozen", contents: nil))
            try await driver.freeze(name: name, log: { _ in })
            #expect(try await driver.snapshots(of: name) == [])

            try await driver.createSnapshot(of: name, named: "s1", log: { _ in }) { _, _ in }
            #expect(try await driver.state(name: name).status == .running)
            #expect(try FileManager.default.contentsOfDirectory(atPath: snapshots) == ["s1"])
        }
    }
}
