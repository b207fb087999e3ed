import Foundation
import Testing

@testable import Drivers

/// Creating, copying, renaming and snapshotting stopped VMs: file work only, on an image of
/// stand-in boot files (nothing boots), so these run without QEMU.
@Suite struct QEMUDriverSnapshotsTests {
    @Test func snapshotsCopyTheDiskAndRestoreIt() async throws {
        try await withVMs { driver, image in
            let log = LogLines()
            try await driver.create(InstanceSpec(name: "v1"), rootfs: image, log: log.sink)
            let vm = driver.files("v1")
            try "first".write(toFile: vm.disk, atomically: false, encoding: .utf8)

            try await driver.createSnapshot(of: "v1", named: "s1", log: log.sink) { _, _ in }
            #expect(try await driver.snapshots(of: "v1") == ["s1"])
            await #expect(throws: InstanceDriverError.alreadyExists("s1")) {
                try await driver.createSnapshot(of: "v1", named: "s1", log: log.sink) { _, _ in }
            }
            try "second".write(toFile: vm.disk, atomically: false, encoding: .utf8)
            try await driver.restoreSnapshot(of: "v1", named: "s1", log: log.sink)
            #expect(try String(contentsOfFile: vm.disk, encoding: .utf8) == "first")

            try await driver.renameSnapshot(of: "v1", from: "s1", to: "s2", log: log.sink)
            #expect(try await driver.snapshots(of: "v1") == ["s2"])
            try await driver.copy(fromSnapshot: "s2", of: "v1", to: InstanceSpec(name: "v2"), log: log.sink)
            #expect(try String(contentsOfFile: driver.files("v2").disk, encoding: .utf8) == "first")

            // Renaming the VM keeps its snapshots; deleting it removes them.
            try await driver.rename(from: "v1", to: "v3", log: log.sink)
            #expect(try await driver.snapshots(of: "v3") == ["s2"])
            try await driver.deleteSnapshot(of: "v3", named: "s2", log: log.sink)
            try await driver.deleteSnapshot(of: "v3", named: "s2", log: log.sink)
            #expect(try await driver.snapshots(of: "v3") == [])
            await #expect(throws: InstanceDriverError.notFound("s2")) {
                try await driver.restoreSnapshot(of: "v3", named: "s2", log: log.sink)
            }
        }
    }

    @Test func aSnapshotACrashLeftHalfMadeIsNeitherListedNorKept() async throws {
        try await withVMs { driver, image in
            let log = LogLines()
            try await driver.create(InstanceSpec(name: "v1"), rootfs: image, log: log.sink)
            let leftover = "\(driver.files("v1").snapshots)/.tmp-crashed"
            try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
            #expect(try await driver.snapshots(of: "v1") == [])
            try await driver.createSnapshot(of: "v1", named: "s1", log: log.sink) { _, _ in }
            #expect(!FileManager.default.fileExists(atPath: leftover))
        }
    }

    static func makeImage(in directory: String, disk: [UInt8]?) throws -> String {
        let image = "\(directory)/image"
        try FileManager.default.createDirectory(atPath: "\(image)/boot", withIntermediateDirectories: true)
        try "kernel".write(toFile: "\(image)/boot/vmlinuz", atomically: false, encoding: .utf8)
        try "initrd".write(toFile: "\(image)/boot/initrd.img", atomically: false, encoding: .utf8)
        if let disk { try Data(disk).write(to: URL(fileURLWithPath: "\(image)/disk.img")) }
        return image
    }

    private func withVMs(_ body: (QEMUDriver, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let image = try Self.makeImage(in: directory, disk: Array("raw".utf8))
        try await body(QEMUDriver(directory: "\(directory)/vms", helperExecutable: "/bin/false"), image)
    }
}
