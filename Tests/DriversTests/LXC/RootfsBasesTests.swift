import Foundation
import Testing

@testable import Drivers

#if canImport(Glibc)
    import Glibc
#endif

/// The shared bases of overlay containers, each test in an lxcpath of its own so that it can
/// count them.
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct RootfsBasesTests {
    private var fixture: LXCFixture {
        get throws { try #require(LXCFixture.current) }
    }

    /// A driver on a new lxcpath inside the fixture's directory.
    private func privateDriver() throws -> LXCDriver {
        let fixture = try fixture
        return LXCDriver(
            lxcPath: "\(fixture.directory)/lxc-\(UUID().uuidString.prefix(8))", idmap: fixture.driver.idmap)
    }

    private static func attach(_ driver: LXCDriver, _ name: String, _ script: String) async throws -> String {
        try await HostCommand(
            "/usr/bin/lxc-attach", ["-n", name, "-P", driver.lxcPath, "--", "/bin/sh", "-c", script]
        ).run().stdoutText
    }

    @Test func containersOfOneImageShareOneBaseUntilTheLastIsDeleted() async throws {
        let fixture = try fixture
        let driver = try privateDriver()
        let (first, second, renamed) = ("first", "second", "second-renamed")
        try await LXCFixture.removing([first, second, renamed], driver: driver) {
            let log = LogLines()
            try await driver.create(InstanceSpec(name: first), rootfs: fixture.rootfs, log: log.sink)
            try await driver.create(InstanceSpec(name: second), rootfs: fixture.rootfs, log: log.sink)
            let bases = LXCFixture.bases(in: driver.lxcPath)
            #expect(bases.count == 1)
            let base = try #require(bases.first)
            #expect(base.hasSuffix("-u100000g100000n65536"))
            #expect(log.all.filter { $0.hasPrefix("made base ") } == ["made base \(driver.lxcPath)/.bases/\(base)"])
            // The image was copied once: the second create only linked.
            #expect(log.all.filter { $0.hasPrefix("$ cp ") }.count == 1)
            for name in [first, second] {
                let link = try FileManager.default.destinationOfSymbolicLink(atPath: "\(driver.lxcPath)/\(name)/base")
                #expect(link == "../.bases/\(base)")
            }

            // Each has its own upper layer: what one writes, the other does not see.
            try await driver.start(name: first, log: { _ in })
            try await driver.start(name: second, log: { _ in })
            _ = try await Self.attach(driver, first, "echo mine > /root/note && rm /etc/hostname")
            let seen = try await Self.attach(driver, first, "cat /root/note; test -e /etc/hostname || echo removed")
            #expect(seen == "mine\nremoved\n")
            #expect(try await Self.attach(driver, second, "ls /root; cat /etc/hostname") == "busybox\n")
            #expect(
                try String(contentsOfFile: "\(driver.lxcPath)/.bases/\(base)/etc/hostname", encoding: .utf8)
                    == "busybox\n")

            // A privileged container of the same image needs a base without the shift.
            let privileged = "privileged"
            try await driver.create(
                InstanceSpec(name: privileged, privileged: true), rootfs: fixture.rootfs, log: { _ in })
            #expect(LXCFixture.bases(in: driver.lxcPath).count == 2)
            try await driver.delete(name: privileged, log: { _ in })
            // Kept while the image exists, for the next privileged container.
            #expect(LXCFixture.bases(in: driver.lxcPath).count == 2)

            try await driver.stop(name: second, timeout: .seconds(10), force: true, log: { _ in })
            try await driver.rename(from: second, to: renamed, log: { _ in })
            try await driver.stop(name: first, timeout: .seconds(10), force: true, log: { _ in })
            try await driver.delete(name: first, log: { _ in })
            #expect(LXCFixture.bases(in: driver.lxcPath).contains(base))
            try await driver.start(name: renamed, log: { _ in })
            #expect(try await driver.state(name: renamed).status == .running)
            try await driver.stop(name: renamed, timeout: .seconds(10), force: true, log: { _ in })
            try await driver.delete(name: renamed, log: { _ in })
            #expect(try LXCFixture.leftovers(in: driver.lxcPath) == [])
        }
    }

    @Test func concurrentCreatesOfOneImageBuildOneBase() async throws {
        let fixture = try fixture
        let driver = try privateDriver()
        let names = (0..<4).map { "parallel\($0)" }
        let log = LogLines()
        try await LXCFixture.removing(names, driver: driver) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in names {
                    group.addTask {
                        try await driver.create(InstanceSpec(name: name), rootfs: fixture.rootfs, log: log.sink)
                    }
                }
                try await group.waitForAll()
            }
            #expect(LXCFixture.bases(in: driver.lxcPath).count == 1)
            #expect(log.all.filter { $0.hasPrefix("made base ") }.count == 1)
            #expect(log.all.filter { $0.hasPrefix("linked ") }.count == 4)
            for name in names { try await driver.delete(name: name, log: { _ in }) }
            #expect(try LXCFixture.leftovers(in: driver.lxcPath) == [])
        }
    }

    @Test func whatACrashLeftIsRemovedByTheNextDeleteButNothingInUse() async throws {
        let fixture = try fixture
        let driver = try privateDriver()
        try await LXCFixture.removing(["kept", "half"], driver: driver) {
            try await driver.create(InstanceSpec(name: "kept"), rootfs: fixture.rootfs, log: { _ in })
            let used = try #require(LXCFixture.bases(in: driver.lxcPath).first)
            let bases = "\(driver.lxcPath)/.bases"
            let manager = FileManager.default
            // A build that died half-way, and one still under way (its builder holds the lock).
            try manager.createDirectory(atPath: "\(bases)/.tmp-crashed/bin", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: "\(bases)/.tmp-building/bin", withIntermediateDirectories: true)
            let building = try FileLock.acquire("\(bases)/.tmp-building")
            defer { building.release() }
            // A base built and renamed into place, then a crash before any container linked it.
            try manager.createDirectory(
                atPath: "\(bases)/0000000000000001-privileged/etc", withIntermediateDirectories: true)
            // A create that crashed after linking, before its config: its base is in use until
            // the half-made container is deleted.
            let halfBase = "0000000000000002-u100000g100000n65536"
            try manager.createDirectory(atPath: "\(bases)/\(halfBase)/etc", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: "\(driver.lxcPath)/half", withIntermediateDirectories: false)
            #expect(symlink("../.bases/\(halfBase)", "\(driver.lxcPath)/half/base") == 0)
            // A delete that crashed while removing.
            try manager.createDirectory(
                atPath: "\(driver.lxcPath)/.trash/abandoned/x", withIntermediateDirectories: true)

            try await driver.delete(name: "missing", log: { _ in })
            #expect(
                try LXCFixture.leftovers(in: driver.lxcPath) == [
                    ".bases/.tmp-building", ".bases/\(halfBase)", "half", "kept",
                ])
            #expect(LXCFixture.bases(in: driver.lxcPath) == [halfBase, used])
            #expect(try await driver.state(name: "half") == InstanceRuntimeState(status: .stopped))
            try await driver.delete(name: "half", log: { _ in })
            #expect(try LXCFixture.leftovers(in: driver.lxcPath) == [".bases/.tmp-building", "kept"])
            building.release()
            try await driver.delete(name: "kept", log: { _ in })
            #expect(try LXCFixture.leftovers(in: driver.lxcPath) == [])
        }
    }

    @Test func aBaseOutlivesItsContainersWhileItsImageExists() async throws {
        let fixture = try fixture
        let driver = try privateDriver()
        let image = "\(driver.lxcPath)-image"
        try await HostCommand("/bin/cp", ["-a", "-T", "--", fixture.rootfs, image]).run()
        defer { try? FileManager.default.removeItem(atPath: image) }
        try await LXCFixture.removing(["one", "two"], driver: driver) {
            let log = LogLines()
            try await driver.create(InstanceSpec(name: "one"), rootfs: image, log: log.sink)
            try await driver.delete(name: "one", log: { _ in })
            let base = try #require(LXCFixture.bases(in: driver.lxcPath).first)
            // The next container of the image copies nothing.
            try await driver.create(InstanceSpec(name: "two"), rootfs: image, log: log.sink)
            #expect(log.all.filter { $0.hasPrefix("made base ") }.count == 1)
            #expect(LXCFixture.bases(in: driver.lxcPath) == [base])
            try await driver.delete(name: "two", log: { _ in })
            #expect(LXCFixture.bases(in: driver.lxcPath) == [base])

            // The image is deleted: the next collection removes its base and marker.
            try FileManager.default.removeItem(atPath: image)
            try await driver.delete(name: "missing", log: { _ in })
            let remaining = try FileManager.default.contentsOfDirectory(atPath: "\(driver.lxcPath)/.bases")
            #expect(remaining == [])
        }
    }
}
