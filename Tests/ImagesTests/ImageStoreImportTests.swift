import Foundation
import Operations
import Store
import Testing

@testable import Images

@Suite struct ImageStoreImportTests {
    func stage(_ scratch: ScratchStore, metadata: String, rootfs: String) async throws -> StagedUpload {
        let body = MultipartBody.build([
            ("metadata", "meta.tar.xz", Array(try Data(contentsOf: URL(fileURLWithPath: metadata)))),
            (
                "rootfs", URL(fileURLWithPath: rootfs).lastPathComponent,
                Array(try Data(contentsOf: URL(fileURLWithPath: rootfs)))
            ),
        ])
        return try await scratch.store.stageSplitUpload(body, boundary: MultipartBody.goBoundary)
    }

    @Test func importsASplitImageIntoTheLayoutInstancesAreCreatedFrom() async throws {
        let scratch = try ScratchStore()
        let image = try TestImage(in: scratch.root)
        let metadata = try image.metadataTarball(to: scratch.root + "/meta.tar.xz")
        let rootfs = try image.rootfsTarball(to: scratch.root + "/rootfs.tar.gz")
        let upload = try await stage(scratch, metadata: metadata, rootfs: rootfs)
        let reports = ProgressReports()
        let row = try await scratch.store.importUpload(
            upload, filename: upload.filename, isPublic: false, properties: [("extra", "1")],
            progress: { reports.append($0) }, log: { _ in })

        let bytes =
            try Data(contentsOf: URL(fileURLWithPath: metadata)) + Data(contentsOf: URL(fileURLWithPath: rootfs))
        #expect(row.fingerprint == SHA256Digest.hex(of: Array(bytes)))
        #expect(row.size == Int64(bytes.count) && row.filename == "rootfs.tar.gz")
        #expect(row.properties == #"{"extra":"1","os":"busybox","release":"1.35"}"#)
        let rootfsPath = scratch.store.rootfs(fingerprint: row.fingerprint)
        #expect(try String(contentsOfFile: rootfsPath + "/etc/hostname", encoding: .utf8) == "split\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: rootfsPath + "/init") == "etc/hostname")
        let directory = scratch.store.directory + "/" + row.fingerprint
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["image.metadata", "image.rootfs", "metadata.yaml", "rootfs", "templates"])
        #expect(try scratch.uploads() == [])

        // A first and a last update per stage, and nothing per read.
        let stages = reports.all.map(\.stage)
        #expect(stages.first == "image_fingerprint" && stages.last == "image_unpack")
        #expect(Set(stages) == ["image_fingerprint", "image_unpack"])
        #expect(reports.all.count < 10)
        #expect(reports.all.last?.percent == 100)
        #expect(reports.all.last?.processed == Int64(bytes.count))
    }

    @Test func importsASquashfsRootfsWhenSquashfsToolsAreThere() async throws {
        let scratch = try ScratchStore()
        let image = try TestImage(in: scratch.root)
        guard let rootfs = try image.rootfsSquashfs(to: scratch.root + "/rootfs.squashfs"),
            Squashfs.unsquashfs() != nil
        else { return }
        let metadata = try image.metadataTarball(to: scratch.root + "/meta.tar.xz")
        let upload = try await stage(scratch, metadata: metadata, rootfs: rootfs)
        let row = try await scratch.store.importUpload(
            upload, filename: upload.filename, isPublic: false, properties: [], log: { _ in })
        let hostname = scratch.store.rootfs(fingerprint: row.fingerprint) + "/etc/hostname"
        #expect(try String(contentsOfFile: hostname, encoding: .utf8) == "split\n")
    }

    @Test func aUnifiedImageStillImportsAsBefore() async throws {
        let scratch = try ScratchStore()
        let image = try TestImage(in: scratch.root)
        let tarball = try image.unifiedTarball(to: scratch.root + "/image.tar.gz")
        let upload = try await scratch.store.stageUpload(Array(try Data(contentsOf: URL(fileURLWithPath: tarball))))
        let row = try await scratch.store.importUpload(
            upload, filename: "image.tar.gz", isPublic: true, properties: [], log: { _ in })
        #expect(row.fingerprint == SHA256Digest.hex(of: Array(try Data(contentsOf: URL(fileURLWithPath: tarball)))))
        #expect(
            FileManager.default.fileExists(atPath: scratch.store.directory + "/\(row.fingerprint)/image.tar.gz"))
        #expect(FileManager.default.fileExists(atPath: scratch.store.rootfs(fingerprint: row.fingerprint) + "/init"))
    }

    @Test func aFailedImportLeavesNeitherFilesNorRows() async throws {
        let scratch = try ScratchStore()
        let image = try TestImage(in: scratch.root)
        // A rootfs that is not an archive: tar refuses it after the metadata unpacked fine.
        let metadata = try image.metadataTarball(to: scratch.root + "/meta.tar.xz")
        let rootfs = try scratch.file("rootfs.bin", Array("not a tarball".utf8))
        let upload = try await stage(scratch, metadata: metadata, rootfs: rootfs)
        await #expect {
            _ = try await scratch.store.importUpload(
                upload, filename: upload.filename, isPublic: false, properties: [], log: { _ in })
        } throws: { error in
            (error as? ImageError)?.description.hasPrefix("Invalid image file: tar -xpf failed") == true
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.store.directory) == ["uploads"])
        #expect(try scratch.uploads() == [])
        #expect(try scratch.store.database.read { try $0.images() } == [])
    }

    @Test func aFingerprintOtherThanTheOneAnnouncedIsRefused() async throws {
        let scratch = try ScratchStore()
        let image = try TestImage(in: scratch.root)
        let tarball = try image.unifiedTarball(to: scratch.root + "/image.tar.gz")
        let upload = try await scratch.store.stageUpload(Array(try Data(contentsOf: URL(fileURLWithPath: tarball))))
        await #expect {
            _ = try await scratch.store.importUpload(
                upload, filename: "", isPublic: false, properties: [], expectedFingerprint: "00ff", log: { _ in })
        } throws: { error in
            (error as? ImageError)?.description.contains("fingerprints don't match") == true
        }
        #expect(try scratch.uploads() == [])
    }
}
