import Foundation
import Store
import Testing

@testable import Images

@Suite struct ImageStoreVirtualMachineTests {
    private func importTarball(_ scratch: ScratchStore, _ tarball: String) async throws -> ImageRow {
        let upload = try await scratch.store.stageUpload(Array(try Data(contentsOf: URL(fileURLWithPath: tarball))))
        return try await scratch.store.importUpload(
            upload, filename: "berth-testvm.tar.gz", isPublic: false, properties: [], log: { _ in })
    }

    private func contents(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The import fails with `message`, and leaves no image directory, upload or row behind.
    private func expectRefused(_ scratch: ScratchStore, _ tarball: String, message: String) async throws {
        await #expect {
            _ = try await importTarball(scratch, tarball)
        } throws: { error in
            (error as? ImageError)?.description == message
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.store.directory) == ["uploads"])
        #expect(try scratch.uploads() == [])
        #expect(try scratch.store.database.read { try $0.images() } == [])
    }

    @Test func aTarballWithAKernelAndAnInitrdImportsAsAVirtualMachineImage() async throws {
        let scratch = try ScratchStore()
        let image = try TestMachineImage(in: scratch.root)
        let tarball = try image.unifiedTarball(to: scratch.root + "/berth-testvm.tar.gz")
        let row = try await importTarball(scratch, tarball)

        #expect(row.type == "virtual-machine")
        #expect(try scratch.store.database.read { try $0.images() }.map(\.type) == ["virtual-machine"])
        #expect(row.fingerprint == SHA256Digest.hex(of: try contents(tarball)))
        #expect(row.architecture == "x86_64" && row.properties == #"{"os":"busybox","release":"testvm"}"#)
        let directory = scratch.store.virtualMachineFiles(fingerprint: row.fingerprint)
        #expect(directory == scratch.store.directory + "/" + row.fingerprint)
        #expect(try contents(directory + "/" + ImageType.kernelPath) == TestMachineImage.kernel)
        #expect(try contents(directory + "/" + ImageType.initrdPath) == TestMachineImage.initrd)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["boot", "image.tar.gz", "metadata.yaml"])
        #expect(try scratch.uploads() == [])
    }

    @Test func aDiskImageIsKeptNextToTheKernel() async throws {
        let scratch = try ScratchStore()
        let image = try TestMachineImage(in: scratch.root, disk: true)
        let row = try await importTarball(scratch, try image.unifiedTarball(to: scratch.root + "/vm.tar.gz"))
        #expect(row.type == "virtual-machine")
        let directory = scratch.store.virtualMachineFiles(fingerprint: row.fingerprint)
        #expect(try contents(directory + "/" + ImageType.diskPath) == TestMachineImage.disk)
    }

    @Test func aContainerImageIsStillAContainerImage() async throws {
        let scratch = try ScratchStore()
        let image = try TestImage(in: scratch.root)
        let row = try await importTarball(scratch, try image.unifiedTarball(to: scratch.root + "/image.tar.gz"))
        #expect(row.type == "container")
    }

    @Test func aTarballWithBothARootfsAndAKernelIsRefusedRatherThanGuessedAt() async throws {
        let scratch = try ScratchStore()
        let image = try TestMachineImage(in: scratch.root, rootfs: true)
        try await expectRefused(
            scratch, try image.unifiedTarball(to: scratch.root + "/both.tar.gz"),
            message:
                "Invalid image file: both a rootfs/ directory (a container image) and boot (a virtual-machine image)")
    }

    @Test func aMissingInitrdIsNamedInTheError() async throws {
        let scratch = try ScratchStore()
        let image = try TestMachineImage(in: scratch.root, initrd: false)
        try await expectRefused(
            scratch, try image.unifiedTarball(to: scratch.root + "/no-initrd.tar.gz"),
            message:
                "Invalid image file: a virtual-machine image needs boot/vmlinuz and boot/initrd.img (Berth boots VMs"
                + " from their kernel and initramfs); boot/initrd.img is missing or not a regular file")
    }

    @Test func aDiskWithoutAKernelIsRefused() async throws {
        let scratch = try ScratchStore()
        let image = try TestMachineImage(in: scratch.root, disk: true)
        try FileManager.default.removeItem(atPath: image.directory + "/boot")
        try await expectRefused(
            scratch, try image.unifiedTarball(to: scratch.root + "/disk-only.tar.gz"),
            message:
                "Invalid image file: a virtual-machine image needs boot/vmlinuz and boot/initrd.img (Berth boots VMs"
                + " from their kernel and initramfs); boot/vmlinuz is missing or not a regular file")
    }

    @Test func aTarballWithNeitherIsRefused() async throws {
        let scratch = try ScratchStore()
        let image = try TestMachineImage(in: scratch.root)
        try FileManager.default.removeItem(atPath: image.directory + "/boot")
        try await expectRefused(
            scratch, try image.unifiedTarball(to: scratch.root + "/empty.tar.gz"),
            message:
                "Invalid image file: no rootfs/ directory (a container image) nor boot/vmlinuz and boot/initrd.img"
                + " (a virtual-machine image)")
    }

    @Test func aKernelLinkedToAHostFileNeverReachesTheStore() async throws {
        let scratch = try ScratchStore()
        let image = try TestMachineImage(in: scratch.root)
        try FileManager.default.removeItem(atPath: image.directory + "/boot/vmlinuz")
        try FileManager.default.createSymbolicLink(
            atPath: image.directory + "/boot/vmlinuz", withDestinationPath: "/etc/hostname")
        try await expectRefused(
            scratch, try image.unifiedTarball(to: scratch.root + "/link.tar.gz"),
            message: "Invalid image file: member \"boot/vmlinuz\" must be a regular file, not a symbolic link")
    }
}
