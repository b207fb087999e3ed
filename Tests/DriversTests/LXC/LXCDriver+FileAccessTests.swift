import Drivers
import Foundation
import Testing

/// `/files` on real containers: the running one's view through its init, the stopped overlay's
/// through a detached mount that nothing outlives.
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct LXCDriverFileAccessTests {
    private var fixture: LXCFixture {
        get throws { try #require(LXCFixture.current) }
    }

    private static func attach(_ driver: LXCDriver, _ name: String, _ script: String) async throws -> String {
        try await HostCommand(
            "/usr/bin/lxc-attach", ["-n", name, "-P", driver.lxcPath, "--", "/bin/sh", "-c", script]
        ).run().stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func mounts(mentioning text: String) throws -> [Substring] {
        try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(text) }
    }

    @Test func aFileWrittenToARunningContainerHasItsOwnerAndModeInside() async throws {
        try await fixture.withContainer("files-running") { driver, name in
            try await driver.start(name: name, log: { _ in })
            let rootfs = try await driver.openRootfs(of: name)
            let attributes = InstanceFileAttributes(uid: 1000, gid: 1000, mode: 0o640)
            try await OffPool.run {
                try rootfs.write([0, 255, 10], to: "/root/blob", append: false, attributes: attributes)
            }
            #expect(try await Self.attach(driver, name, "stat -c '%u %g %a %s' /root/blob") == "1000 1000 640 3")
            // /proc inside is another mount, never entered with berthd's privileges.
            await #expect(throws: InstanceFileError.self) {
                try await OffPool.run { try rootfs.info("/proc/1/environ") }
            }
            // What a process in the container makes is seen with its owner.
            _ = try await Self.attach(driver, name, "echo hi > /tmp/made && chown 33:44 /tmp/made")
            let info = try await OffPool.run { try rootfs.info("/tmp/made") }
            #expect(info.uid == 33 && info.gid == 44 && info.kind == .file)
        }
    }

    @Test func aStoppedOverlayContainerIsWrittenWithoutLeavingAMount() async throws {
        try await fixture.withContainer("files-stopped") { driver, name in
            do {
                let rootfs = try await driver.openRootfs(of: name)
                try await OffPool.run {
                    try rootfs.makeDirectory("/srv", attributes: .init(uid: 5, gid: 6, mode: 0o700))
                    try rootfs.write(Array("hello\n".utf8), to: "/srv/hello", append: false, attributes: .init(uid: 5))
                }
                #expect(try Self.mounts(mentioning: "\(driver.lxcPath)/\(name)").isEmpty)
            }
            // The change is in the container's own layer and seen once it runs.
            #expect(FileManager.default.fileExists(atPath: "\(driver.lxcPath)/\(name)/delta/srv/hello"))
            try await driver.start(name: name, log: { _ in })
            #expect(try await Self.attach(driver, name, "stat -c '%u %g %a' /srv; cat /srv/hello") == "5 6 700\nhello")
            let rootfs = try await driver.openRootfs(of: name)
            #expect(try await OffPool.run { try rootfs.list("/srv") } == ["hello"])
        }
    }
}
