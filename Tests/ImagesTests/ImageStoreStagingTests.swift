import Foundation
import Testing

@testable import Images

@Suite struct ImageStoreStagingTests {
    static let metadata: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 1, 2, 3]
    static let rootfs: [UInt8] = [0x1F, 0x8B] + Array("\r\n--not-the-boundary\r\n".utf8) + [0, 255]

    @Test func writesTheTwoPartsOfASplitUploadToSyncedFiles() async throws {
        let scratch = try ScratchStore()
        let body = MultipartBody.build([
            ("metadata", "meta.tar.xz", Self.metadata), ("rootfs", "rootfs.tar.gz", Self.rootfs),
        ])
        let upload = try await scratch.store.stageSplitUpload(body, boundary: MultipartBody.goBoundary)
        #expect(upload.filename == "rootfs.tar.gz")
        #expect(FileManager.default.contents(atPath: upload.metadata) == Data(Self.metadata))
        #expect(upload.rootfs.flatMap { FileManager.default.contents(atPath: $0) } == Data(Self.rootfs))
        #expect(try scratch.uploads().count == 2)
        scratch.store.discard(upload)
        #expect(try scratch.uploads() == [])
    }

    @Test(
        arguments: [
            (
                MultipartBody.build([("metadata", "m", metadata), ("rootfs", "r", rootfs)]).dropLast(8).map { $0 },
                "Invalid image file: multipart body: truncated (no closing boundary)"
            ),
            (
                MultipartBody.build([("rootfs", "r", rootfs), ("metadata", "m", metadata)]),
                "Invalid image file: Invalid multipart image: the first part must be \"metadata\", not \"rootfs\""
            ),
            (
                MultipartBody.build([("metadata", "m", metadata), ("rootfs.img", "disk.qcow2", rootfs)]),
                "Invalid image file: virtual-machine images (a rootfs.img part) are not supported"
            ),
            (
                MultipartBody.build([("metadata", "m", metadata), ("rootfs", "r", rootfs), ("extra", nil, [1])]),
                "Invalid image file: Invalid multipart image: a third part (\"extra\")"
            ),
            (
                MultipartBody.build([("metadata", "m", metadata)]),
                "Invalid image file: a split image upload needs two parts, metadata and rootfs"
            ),
            (
                MultipartBody.build([("metadata", "m", metadata), ("rootfs", "r", [])]),
                "Invalid image file: the rootfs part is empty"
            ),
            (
                Array("garbage".utf8),
                "Invalid image file: multipart body: the boundary given in Content-Type never occurs"
            ),
        ] as [([UInt8], String)])
    func refusesAMalformedSplitUploadAndKeepsNothing(body: [UInt8], message: String) async throws {
        let scratch = try ScratchStore()
        await #expect {
            _ = try await scratch.store.stageSplitUpload(body, boundary: MultipartBody.goBoundary)
        } throws: { error in
            (error as? ImageError)?.description == message
        }
        #expect(try scratch.uploads() == [])
    }

    @Test func aSquashfsRootfsNeedsSquashfsToolsOnTheHost() throws {
        let scratch = try ScratchStore()
        let body = MultipartBody.build([
            ("metadata", "meta.tar.xz", Self.metadata), ("rootfs", "rootfs.squashfs", Array("hsqs....".utf8)),
        ])
        func upload(_ name: String) -> StagedUpload {
            let base = scratch.store.directory + "/uploads/" + name
            return StagedUpload(metadata: base + ".metadata", rootfs: base + ".rootfs")
        }
        var without = SplitUploadWriter(upload: upload("without"))
        without.canUnpackSquashfs = false
        #expect(throws: Squashfs.missingTools) { try without.write(body, boundary: MultipartBody.goBoundary) }
        var with = SplitUploadWriter(upload: upload("with"))
        with.canUnpackSquashfs = true
        #expect(try with.write(body, boundary: MultipartBody.goBoundary).filename == "rootfs.squashfs")
    }
}
