import Foundation
import Synchronization
import Testing

@testable import Drivers

#if canImport(Glibc)
    import Glibc
#endif

/// Path resolution inside a root, on a plain directory: what `/files` relies on to keep every
/// request inside the instance.
@Suite struct InstanceRootfsTests {
    /// A root with its own /etc/passwd and, next to it, a directory standing for the host.
    private static func withRoot(idmap: IDMap? = nil, _ body: (InstanceRootfs, String, String) throws -> Void) throws {
        try TemporaryDirectory.with { base in
            let root = "\(base)/root"
            let outside = "\(base)/outside"
            for directory in [root, "\(root)/etc", outside] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            }
            try "root:x:0:0:inside\n".write(toFile: "\(root)/etc/passwd", atomically: false, encoding: .utf8)
            let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            try #require(fd >= 0)
            try body(InstanceRootfs(root: fd, idmap: idmap), root, outside)
        }
    }

    private static func read(_ rootfs: InstanceRootfs, _ path: String) throws -> String {
        let reader = try rootfs.openFile(path)
        return String(decoding: try reader.read(upTo: 1 << 16), as: UTF8.self)
    }

    @Test func dotDotStopsAtTheRoot() throws {
        try Self.withRoot { (rootfs, _, _) throws in
            #expect(try Self.read(rootfs, "../../../../etc/passwd") == "root:x:0:0:inside\n")
            #expect(try Self.read(rootfs, "/etc/../../etc/passwd") == "root:x:0:0:inside\n")
        }
    }

    @Test func anAbsoluteSymlinkToSlashIsTheInstancesRoot() throws {
        try Self.withRoot { (rootfs, root, _) throws in
            try rootfs.makeSymlink("/slash", target: "/", attributes: .init())
            #expect(try Self.read(rootfs, "/slash/etc/passwd") == "root:x:0:0:inside\n")
            try rootfs.write(Array("x".utf8), to: "/slash/planted", append: false, attributes: .init())
            #expect(FileManager.default.fileExists(atPath: "\(root)/planted"))
            #expect(!FileManager.default.fileExists(atPath: "/planted"))
        }
    }

    @Test func aSymlinkToAHostDirectoryDoesNotReachIt() throws {
        try Self.withRoot { (rootfs, root, outside) throws in
            #expect(symlink(outside, "\(root)/out") == 0)
            #expect(symlink("../outside", "\(root)/relative") == 0)
            for path in ["/out/planted", "/relative/planted"] {
                #expect(throws: InstanceFileError.notFound) {
                    try rootfs.write(Array("x".utf8), to: path, append: false, attributes: .init())
                }
            }
            let planted = try FileManager.default.contentsOfDirectory(atPath: outside)
            #expect(planted.isEmpty)
        }
    }

    @Test func aSymlinkLoopIsRefused() throws {
        try Self.withRoot { (rootfs, _, _) throws in
            try rootfs.makeSymlink("/a", target: "/b", attributes: .init())
            try rootfs.makeSymlink("/b", target: "/a", attributes: .init())
            #expect(throws: InstanceFileError.self) { try rootfs.info("/a/x") }
            do {
                _ = try rootfs.openFile("/a")
            } catch {
                #expect("\(error)".contains("symbolic links"))
            }
        }
    }

    @Test func aFIFOIsNeverOpened() throws {
        try Self.withRoot { (rootfs, root, _) throws in
            #expect(mkfifo("\(root)/fifo", 0o644) == 0)
            #expect(try rootfs.info("/fifo").kind == .special)
            #expect(throws: InstanceFileError.self) { try rootfs.openFile("/fifo") }
            #expect(throws: InstanceFileError.self) {
                try rootfs.write([1], to: "/fifo", append: false, attributes: .init())
            }
        }
    }

    @Test func ownersAreTheInstancesIdsShiftedOnTheHost() throws {
        try Self.withRoot(idmap: IDMap(hostUID: 200_000, hostGID: 300_000)) { rootfs, root, _ in
            let attributes = InstanceFileAttributes(uid: 1000, gid: 1001, mode: 0o640)
            try rootfs.write([0, 1, 2, 255], to: "/etc/blob", append: false, attributes: attributes)
            var status = stat()
            #expect(lstat("\(root)/etc/blob", &status) == 0)
            #expect(status.st_uid == 201_000 && status.st_gid == 301_001 && status.st_mode & 0o7777 == 0o640)
            #expect(
                try rootfs.info("/etc/blob")
                    == InstanceFileInfo(kind: .file, uid: 1000, gid: 1001, mode: 0o640, size: 4))
            // An existing file keeps its owner and mode; append adds.
            try rootfs.write([3], to: "/etc/blob", append: true, attributes: .init(uid: 5, mode: 0o777))
            #expect(
                try rootfs.info("/etc/blob")
                    == InstanceFileInfo(kind: .file, uid: 1000, gid: 1001, mode: 0o640, size: 5))
            try rootfs.makeDirectory("/etc/d", attributes: .init(uid: 7))
            let directory = try rootfs.info("/etc/d")
            #expect(directory.uid == 7 && directory.mode == 0o750)
            // Creating as the instance's root must not leave this thread with other file ids.
            let threadStatus = try String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8)
            let ids = threadStatus.split(separator: "\n").filter { $0.hasPrefix("Uid:") || $0.hasPrefix("Gid:") }
            #expect(ids.allSatisfy { $0.split(whereSeparator: \.isWhitespace).dropFirst().allSatisfy { $0 == "0" } })
        }
    }

    @Test func removeTakesFilesSymlinksAndEmptyDirectoriesOnly() throws {
        try Self.withRoot { (rootfs, root, _) throws in
            try rootfs.makeSymlink("/link", target: "/etc", attributes: .init())
            try rootfs.remove("/link")
            #expect(FileManager.default.fileExists(atPath: "\(root)/etc/passwd"))
            #expect(throws: InstanceFileError.self) { try rootfs.remove("/etc") }
            #expect(throws: InstanceFileError.self) { try rootfs.remove("/") }
            try rootfs.remove("/etc/passwd")
            try rootfs.remove("/etc")
            let left = try rootfs.list("/")
            #expect(left.isEmpty)
        }
    }

    /// A symlink to the host swapped in for a directory while requests resolve paths through it.
    @Test func aSymlinkSwappedMidWalkStaysInside() throws {
        try Self.withRoot { (rootfs, root, outside) throws in
            let stop = ManagedAtomicFlag()
            let swapper = Thread {
                while !stop.isSet {
                    rename("\(root)/real", "\(root)/parked")
                    symlink(outside, "\(root)/real")
                    unlink("\(root)/real")
                    rename("\(root)/parked", "\(root)/real")
                }
            }
            try FileManager.default.createDirectory(atPath: "\(root)/real", withIntermediateDirectories: false)
            swapper.start()
            for index in 0..<2000 {
                _ = try? rootfs.write([1], to: "/real/f\(index % 10)", append: false, attributes: .init())
                _ = try? rootfs.makeDirectory("/real/d\(index % 10)", attributes: .init())
            }
            stop.set()
            Thread.sleep(forTimeInterval: 0.05)
            let planted = try FileManager.default.contentsOfDirectory(atPath: outside)
            #expect(planted.isEmpty)
        }
    }
}

/// A flag one thread sets and another polls.
private final class ManagedAtomicFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
