import Testing

@testable import Drivers

@Suite struct ByteSizeTests {
    @Test(
        arguments: [
            ("256MiB", 268_435_456), ("1GB", 1_000_000_000), ("1GiB", 1_073_741_824), ("512kB", 512_000),
            ("64KiB", 65536), ("1024", 1024), ("100B", 100), ("2TB", 2_000_000_000_000), ("1EiB", 1 << 60),
        ] as [(String, UInt64)])
    func parsesLXDSizes(text: String, bytes: UInt64) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test(arguments: ["", "MiB", "1.5GB", "-1MB", "256 MiB", "256mib", "1KB", "16EiB", "99999999999999999999"])
    func rejectsWhatLXDRejects(text: String) {
        #expect(ByteSize.parse(text) == nil)
    }
}
