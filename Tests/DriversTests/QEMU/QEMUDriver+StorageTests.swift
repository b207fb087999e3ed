import Foundation
import Testing

@testable import Drivers

/// Making, copying, renaming and deleting VM directories (nothing boots).
@Suite struct QEMUDriverStorageTests {
    @Test func createLinksTheBootFilesCopiesTheDiskAndKeepsTheConfig() async throws {
        try await withDirectory { directory in
            let image = try QEMUDriverSnapshotsTests.makeImage(
                in: directory, disk: [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3])
            let driver = QEMUDriver(directory: "\(directory)/vms", helperExecutable: "/bin/false")
            let log = LogLines()
            let spec = InstanceSpec(name: "v1", config: ["limits.cpu": "2", "user.note": "x"])
            try await driver.create(spec, rootfs: image, log: log.sink)
            let vm = driver.files("v1")
            #expect(try String(contentsOfFile: vm.kernel, encoding: .utf8) == "kernel")
            #expect(try String(contentsOfFile: vm.initrd, encoding: .utf8) == "initrd")
            #expect(QEMUDriver.diskFormat(of: vm.disk) == "qcow2")
            #expect(QEMUDriver.readConfig(vm.config) == spec.config)
            #expect(try await driver.list() == ["v1"])
            #expect(try await driver.state(name: "v1") == InstanceRuntimeState(status: .stopped))
            #expect(try await driver.measurements(name: "v1").memory == 1 << 30)
            await #expect(throws: InstanceDriverError.alreadyExists("v1")) {
                try await driver.create(spec, rootfs: image, log: log.sink)
            }

            try await driver.reconfigure(InstanceSpec(name: "v1", config: ["limits.memory": "512MiB"]), log: log.sink)
            #expect(try await driver.measurements(name: "v1").memory == 512 << 20)
            try await driver.copy(from: "v1", to: InstanceSpec(name: "v2"), log: log.sink)
            #expect(QEMUDriver.diskFormat(of: driver.files("v2").disk) == "qcow2")
            try await driver.rename(from: "v2", to: "v3", log: log.sink)
            await #expect(throws: InstanceDriverError.alreadyExists("v1")) {
                try await driver.rename(from: "v3", to: "v1", log: log.sink)
            }
            #expect(try await driver.list() == ["v1", "v3"])
            try await driver.delete(name: "v3", log: log.sink)
            try await driver.delete(name: "v3", log: log.sink)
            #expect(try await driver.list() == ["v1"])
            #expect(try await driver.exists(name: "v3") == false)
        }
    }

    @Test func aFailedCreateLeavesNothingAndAnImageWithoutInitrdIsNamed() async throws {
        try await withDirectory { directory in
            let image = try QEMUDriverSnapshotsTests.makeImage(in: directory, disk: nil)
            try FileManager.default.removeItem(atPath: "\(image)/boot/initrd.img")
            let driver = QEMUDriver(directory: "\(directory)/vms", helperExecutable: "/bin/false")
            await #expect(throws: QEMUDriverError.missingBootFile("\(image)/boot/initrd.img")) {
                try await driver.create(InstanceSpec(name: "v1"), rootfs: image, log: { _ in })
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/vms") == [])
        }
    }

    @Test func aVMWithoutBootFilesCannotStart() async throws {
        try await withDirectory { directory in
            let driver = QEMUDriver(directory: "\(directory)/vms", helperExecutable: "/bin/false")
            try await driver.create(InstanceSpec(name: "empty"), rootfs: nil, log: { _ in })
            await #expect(throws: QEMUDriverError.missingBootFile(driver.files("empty").kernel)) {
                try await driver.start(name: "empty", log: { _ in })
            }
            await #expect(throws: QEMUDriverError.fileAccessUnsupported) {
                _ = try await driver.openRootfs(of: "empty")
            }
            #expect(try await driver.logFiles(of: "empty") == [])
        }
    }

    @Test func leftoversOfACrashedCreateOrDeleteGoWithTheNextDeleteOfThatNameOnly() async throws {
        try await withDirectory { directory in
            let driver = QEMUDriver(directory: "\(directory)/vms", helperExecutable: "/bin/false")
            let fileManager = FileManager.default
            try fileManager.createDirectory(atPath: driver.stagingPath(.create, "a"), withIntermediateDirectories: true)
            let other = driver.stagingPath(.delete, "a-b")
            try fileManager.createDirectory(atPath: other, withIntermediateDirectories: true)
            #expect(try await driver.list() == [])
            try await driver.delete(name: "a", log: { _ in })
            #expect(
                try fileManager.contentsOfDirectory(atPath: "\(directory)/vms") == [
                    other.split(separator: "/").last!.description
                ])
        }
    }

    private func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }
}
