import Foundation
import Testing

@testable import Drivers

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.enabled(if: getuid() == 0, "chown needs root"))
struct IDMapShiftingTests {
    private func owner(_ path: String) -> (uid: UInt32, gid: UInt32, mode: UInt32) {
        var info = stat()
        lstat(path, &info)
        return (info.st_uid, info.st_gid, info.st_mode & 0o7777)
    }

    @Test func shiftsEveryEntryOnceWithoutFollowingSymlinksAndKeepsSetuidBits() throws {
        try TemporaryDirectory.with { directory in
            let root = "\(directory)/rootfs"
            try FileManager.default.createDirectory(atPath: "\(root)/etc/sub", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: "\(root)/etc/passwd", contents: Data("root\n".utf8)))
            #expect(FileManager.default.createFile(atPath: "\(root)/su", contents: Data()))
            chmod("\(root)/su", 0o4755)
            #expect(FileManager.default.createFile(atPath: "\(root)/etc/sub/user-file", contents: Data()))
            chown("\(root)/etc/sub/user-file", 1000, 1001)
            #expect(FileManager.default.createFile(atPath: "\(root)/etc/sub/foreign", contents: Data()))
            chown("\(root)/etc/sub/foreign", 70000, 70000)
            link("\(root)/etc/passwd", "\(root)/etc/passwd-hardlink")
            // An absolute symlink points at the host's file when seen from the host: following it
            // would hand the host's /etc/hostname to the container's root.
            symlink("/etc/hostname", "\(root)/etc/host-link")
            symlink("nowhere", "\(root)/dangling")
            let hostFile = owner("/etc/hostname")

            let map = IDMap(hostUID: 100000, hostGID: 200000)
            let count = try map.shiftOwnership(ofTree: root)

            // rootfs, etc, sub, passwd (once for its two links), su, user-file, foreign, two symlinks.
            #expect(count == 9)
            #expect(owner(root).uid == 100000 && owner(root).gid == 200000)
            #expect(owner("\(root)/etc/sub").uid == 100000)
            #expect(owner("\(root)/etc/passwd").uid == 100000 && owner("\(root)/etc/passwd").gid == 200000)
            #expect(owner("\(root)/su").uid == 100000 && owner("\(root)/su").mode == 0o4755)
            #expect(
                owner("\(root)/etc/sub/user-file").uid == 101000 && owner("\(root)/etc/sub/user-file").gid == 201001)
            #expect(owner("\(root)/etc/sub/foreign").uid == 165534)
            #expect(owner("\(root)/etc/host-link").uid == 100000)
            #expect(owner("\(root)/dangling").uid == 100000)
            #expect(
                try FileManager.default.destinationOfSymbolicLink(atPath: "\(root)/etc/host-link") == "/etc/hostname")
            #expect(owner("/etc/hostname").uid == hostFile.uid && owner("/etc/hostname").gid == hostFile.gid)
        }
    }

    @Test func aMissingTreeIsAnError() {
        #expect(
            throws: InstanceDriverError.fileSystem(operation: "lstat", path: "/nonexistent/rootfs", errno: ENOENT)
        ) {
            try IDMap(hostUID: 100000, hostGID: 100000).shiftOwnership(ofTree: "/nonexistent/rootfs")
        }
    }
}
