import Foundation
import Testing

@testable import Drivers

/// When containers get an overlay rootfs, and the copy they get otherwise.
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct LXCDriverOverlayTests {
    @Test func theFileSystemOfAPathIsTheOneOfItsLongestMountPoint() {
        #expect(LXCDriver.fileSystemType(of: "/proc/self/status") == "proc")
        #expect(LXCDriver.fileSystemType(of: "/sys/fs/cgroup/memory") == "cgroup")
        #expect(LXCDriver.fileSystemType(of: "/sys/fs/cgroup") == "tmpfs")
    }

    @Test func anLxcpathOnOverlayfsGetsCopiesWithALogLineSayingWhy() async throws {
        let fixture = try #require(LXCFixture.current)
        // An overlay mount, as a daemon running in a container image would have under it: it
        // cannot hold the upper layer of another overlay.
        let root = "\(fixture.directory)/stacked-\(UUID().uuidString.prefix(8))"
        for part in ["lower", "upper", "work", "merged"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(part)", withIntermediateDirectories: true)
        }
        let options = "lowerdir=\(root)/lower,upperdir=\(root)/upper,workdir=\(root)/work"
        try await HostCommand("/bin/mount", ["-t", "overlay", "overlay", "-o", options, "\(root)/merged"]).run()
        defer { _ = umount("\(root)/merged") }
        let driver = LXCDriver(lxcPath: "\(root)/merged/lxc", idmap: fixture.driver.idmap)
        let log = LogLines()
        try await LXCFixture.removing(["copied"], driver: driver) {
            try await driver.create(InstanceSpec(name: "copied"), rootfs: fixture.rootfs, log: log.sink)
            #expect(
                log.all.contains(
                    "no overlay rootfs (\(root)/merged/lxc is itself on overlayfs): copying the image's rootfs"))
            #expect(LXCFixture.owner("\(driver.lxcPath)/copied/rootfs/bin/busybox") == (100000, 100000))
            #expect(LXCFixture.bases(in: driver.lxcPath) == [])
            try await driver.delete(name: "copied", log: { _ in })
            #expect(try LXCFixture.leftovers(in: driver.lxcPath) == [])
        }
    }
}
