import Testing

@testable import Images

@Suite struct ArchiveFormatTests {
    @Test(
        arguments: [
            ([0x1F, 0x8B, 0x08, 0x00], ArchiveFormat.tarball(.gzip)),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00], .tarball(.xz)),
            ([0x28, 0xB5, 0x2F, 0xFD, 0x04], .tarball(.zstd)),
            (Array("BZh91AY".utf8), .tarball(.bzip2)),
            (Array("hsqs\u{0}\u{0}".utf8), .squashfs),
            (Array("metadata.yaml\u{0}".utf8), .tarball(.none)),
            ([0xFD, 0x37, 0x7A], .tarball(.none)),
            ([], .tarball(.none)),
        ] as [([UInt8], ArchiveFormat)])
    func tellsTheFormatByItsSignature(header: [UInt8], format: ArchiveFormat) {
        #expect(ArchiveFormat.detect(header) == format)
    }

    @Test func givesTarTheCompressionFlag() {
        #expect(ArchiveFormat.Compression.xz.tarFlag == "--xz")
        #expect(ArchiveFormat.Compression.none.tarFlag == nil)
    }
}
