import Foundation
import Testing

@testable import Images

/// `Tar.extract` with the real GNU tar and decompressors: the header reader sees the decompressed
/// stream, refuses before tar writes anything outside, and progress counts archive bytes.
@Suite struct TarTests {
    private final class Scratch {
        let root: String
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-tar-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        /// Writes `bytes` as `name`, compressed with `compressor` (`gzip`, `xz`, …) unless nil.
        func archive(_ bytes: [UInt8], compressor: String?) throws -> String {
            let plain = root + "/archive.tar"
            try Data(bytes).write(to: URL(fileURLWithPath: plain))
            guard let compressor else { return plain }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/\(compressor)")
            process.arguments = ["-q", plain]
            try process.run()
            process.waitUntilExit()
            let suffix = ["gzip": ".gz", "xz": ".xz", "bzip2": ".bz2", "zstd": ".zst"][compressor]!
            if compressor == "zstd" { try FileManager.default.removeItem(atPath: plain) }
            return plain + suffix
        }

        func listing() -> [String] {
            (FileManager.default.enumerator(atPath: root + "/out")?.allObjects as? [String] ?? []).sorted()
        }
    }

    private static let compressions: [(String?, ArchiveFormat.Compression)] = [
        (nil, .none), ("gzip", .gzip), ("xz", .xz), ("bzip2", .bzip2), ("zstd", .zstd),
    ]

    @Test(arguments: 0..<5)
    func extractsAGoodArchiveAndCountsEveryArchiveByte(compression index: Int) async throws {
        let (compressor, compression) = Self.compressions[index]
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.directory("rootfs/")
        tar.file("rootfs/hello", Array("hello\n".utf8))
        tar.file("rootfs/big", (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        tar.symlink("rootfs/sh", to: "/bin/busybox")
        tar.end()
        let archive = try scratch.archive(tar.bytes, compressor: compressor)
        let counter = ByteCounter()
        try await Tar.extract(archive: archive, into: scratch.root + "/out", compression: compression, counter: counter)
        #expect(scratch.listing() == ["rootfs", "rootfs/big", "rootfs/hello", "rootfs/sh"])
        #expect(try String(contentsOfFile: scratch.root + "/out/rootfs/hello", encoding: .utf8) == "hello\n")
        let size = try FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int
        #expect(counter.value == Int64(size ?? -1))
    }

    @Test(arguments: 0..<5)
    func aTraversalIsRefusedBeforeTarWritesIt(compression index: Int) async throws {
        let (compressor, compression) = Self.compressions[index]
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.file("rootfs/first", [1])
        tar.file("rootfs/../../escaped", [2])
        tar.end()
        let archive = try scratch.archive(tar.bytes, compressor: compressor)
        await #expect(
            throws: ImageError.invalidTarball(TarArchiveError.parentComponent("rootfs/../../escaped").description)
        ) {
            try await Tar.extract(
                archive: archive, into: scratch.root + "/out", compression: compression, counter: ByteCounter())
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.root + "/escaped"))
        #expect(!scratch.listing().contains { $0.contains("escaped") })
    }

    @Test func aMemberThroughAnEarlierSymlinkNeverReachesTheLinksTarget() async throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.root + "/victim", withIntermediateDirectories: false)
        var tar = TarBuilder()
        tar.symlink("rootfs", to: scratch.root + "/victim")
        tar.file("rootfs/planted", [1])
        tar.end()
        let archive = try scratch.archive(tar.bytes, compressor: "gzip")
        await #expect(throws: ImageError.self) {
            try await Tar.extract(
                archive: archive, into: scratch.root + "/out", compression: .gzip, counter: ByteCounter())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.root + "/victim").isEmpty)
    }

    @Test func corruptCompressedDataNamesTheDecompressor() async throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.file("rootfs/a", [UInt8](repeating: 1, count: 5000))
        tar.end()
        let archive = try scratch.archive(tar.bytes, compressor: "gzip")
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: archive)))
        bytes.removeLast(bytes.count / 2)
        try Data(bytes).write(to: URL(fileURLWithPath: archive))
        do {
            try await Tar.extract(
                archive: archive, into: scratch.root + "/out", compression: .gzip, counter: ByteCounter())
            Issue.record("a truncated gzip stream was extracted")
        } catch ImageError.invalidTarball(let reason) {
            #expect(reason.hasPrefix("gzip failed (exit 1)"), "\(reason)")
        }
    }

    @Test func whatIsNoTarballAtAllIsStillTarsToReport() async throws {
        let scratch = try Scratch()
        let archive = try scratch.archive(Array("this is not an image".utf8), compressor: nil)
        do {
            try await Tar.extract(
                archive: archive, into: scratch.root + "/out", compression: .none, counter: ByteCounter())
            Issue.record("20 bytes of text were extracted")
        } catch ImageError.invalidTarball(let reason) {
            #expect(reason.hasPrefix("tar -xpf failed"), "\(reason)")
        }
    }
}
