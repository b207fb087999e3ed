import Testing

@testable import Images

@Suite struct ImageFingerprintTests {
    @Test func aUnifiedImageIsTheSha256OfItsFile() throws {
        let scratch = try ScratchStore()
        let file = try scratch.file("image", Array("abc".utf8))
        let (fingerprint, size) = try ImageFingerprint.of(files: [file])
        // FIPS 180-2, appendix B.1.
        #expect(fingerprint == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(size == 3)
    }

    @Test func aSplitImageIsTheSha256OfMetadataThenRootfs() throws {
        let scratch = try ScratchStore()
        let metadata = Array("metadata.yaml and templates".utf8)
        let rootfs = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let files = [try scratch.file("meta", metadata), try scratch.file("rootfs", rootfs)]
        let counter = ByteCounter()
        let (fingerprint, size) = try ImageFingerprint.of(files: files, counter: counter)
        #expect(fingerprint == SHA256Digest.hex(of: metadata + rootfs))
        #expect(size == Int64(metadata.count + rootfs.count))
        #expect(counter.value == size)
        // The order is part of it: LXD hashes the metadata part first.
        #expect(try ImageFingerprint.of(files: files.reversed()).fingerprint != fingerprint)
    }

    @Test func aMissingFileIsAnInvalidUpload() {
        #expect(throws: ImageError.self) { try ImageFingerprint.of(files: ["/nonexistent/berth-upload"]) }
    }
}
