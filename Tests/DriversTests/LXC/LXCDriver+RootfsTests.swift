import Drivers
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Copies of containers and containers without an image.
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct LXCDriverRootfsTests {
    private var fixture: LXCFixture {
        get throws { try #require(LXCFixture.current) }
    }

    private static func attach(_ driver: LXCDriver, _ name: String, _ script: String) async throws -> String {
        try await HostCommand(
            "/usr/bin/lxc-attach", ["-n", name, "-P", driver.lxcPath, "--", "/bin/sh", "-c", script]
        ).run().stdoutText
    }

    private static func isWhiteout(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR && info.st_rdev == 0
    }

    @Test func aCopyOfARunningContainerHasItsFilesOnTheSameBase() async throws {
        let fixture = try fixture
        let driver = fixture.driver
        let copy = LXCFixture.uniqueName("copy")
        try await fixture.withContainer("source") { driver, source in
            try await LXCFixture.removing([copy], driver: driver) {
                try await driver.start(name: source, log: { _ in })
                // A new file, a removed file and a removed directory (whiteouts), and a directory of
                // the base replaced by a new one (opaque: the overlay marks it with an attribute).
                _ = try await Self.attach(
                    driver, source,
                    "echo hello > /root/note && rm /etc/hostname && rm -r /mnt /usr/sbin && mkdir /usr/sbin"
                        + " && touch /usr/sbin/new")
                let log = LogLines()
                try await driver.copy(from: source, to: InstanceSpec(name: copy), log: log.sink)
                #expect(try await driver.state(name: source).status == .running)
                #expect(try await driver.state(name: copy).status == .stopped)

                let (sourceDirectory, copyDirectory) = ("\(driver.lxcPath)/\(source)", "\(driver.lxcPath)/\(copy)")
                let manager = FileManager.default
                #expect(
                    try manager.destinationOfSymbolicLink(atPath: "\(copyDirectory)/base")
                        == manager.destinationOfSymbolicLink(atPath: "\(sourceDirectory)/base"))
                #expect(!log.all.contains { $0.hasPrefix("made base") })
                #expect(log.all.contains("$ cp -a -T -- \(sourceDirectory)/delta \(copyDirectory)/delta"))
                #expect(LXCFixture.owner("\(copyDirectory)/delta/root/note") == (100000, 100000))
                #expect(Self.isWhiteout("\(copyDirectory)/delta/etc/hostname"))
                #expect(LXCFixture.owner("\(copyDirectory)/work") == (100000, 100000))

                try await driver.start(name: copy, log: { _ in })
                let seen = try await Self.attach(
                    driver, copy,
                    "cat /root/note; test -e /etc/hostname || echo no-hostname; test -e /mnt || echo no-mnt; ls /usr/sbin"
                )
                #expect(seen == "hello\nno-hostname\nno-mnt\nnew\n")
                // The copy's base stays while the copy uses it.
                try await driver.stop(name: source, timeout: .seconds(10), force: true, log: { _ in })
                try await driver.delete(name: source, log: { _ in })
                #expect(manager.fileExists(atPath: "\(copyDirectory)/base/bin/busybox"))
            }
        }
        #expect(try await !driver.exists(name: copy))
    }

    @Test func aCopyIntoAnotherIDMapHasTheOwnersOfThatMap() async throws {
        let fixture = try fixture
        let unprivileged = LXCFixture.uniqueName("unpriv")
        let privilegedAgain = LXCFixture.uniqueName("priv2")
        try await fixture.withContainer("priv", privileged: true) { driver, privileged in
            try await LXCFixture.removing([unprivileged, privilegedAgain], driver: driver) {
                try await driver.start(name: privileged, log: { _ in })
                _ = try await Self.attach(
                    driver, privileged, "echo hello > /root/note && mkdir /srv && chown 1000:1000 /srv && rm -r /mnt")
                try await driver.stop(name: privileged, timeout: .seconds(10), force: true, log: { _ in })

                try await driver.copy(from: privileged, to: InstanceSpec(name: unprivileged), log: { _ in })
                let directory = "\(driver.lxcPath)/\(unprivileged)"
                let link = try FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/base")
                #expect(link.hasSuffix("-u100000g100000n65536"))
                #expect(LXCFixture.owner("\(directory)/base/bin/busybox") == (100000, 100000))
                #expect(LXCFixture.owner("\(directory)/delta") == (100000, 100000))
                #expect(LXCFixture.owner("\(directory)/delta/root/note") == (100000, 100000))
                #expect(LXCFixture.owner("\(directory)/delta/srv") == (101000, 101000))
                #expect(Self.isWhiteout("\(directory)/delta/mnt"))
                try await driver.start(name: unprivileged, log: { _ in })
                let state = try await driver.state(name: unprivileged)
                #expect(try LXCFixture.hostIDs(of: state.pid) == (100000, 100000))
                let seen = try await Self.attach(
                    driver, unprivileged, "cat /root/note; stat -c %u:%g /srv; touch /root/writable && echo ok")
                #expect(seen == "hello\n1000:1000\nok\n")
                try await driver.stop(name: unprivileged, timeout: .seconds(10), force: true, log: { _ in })

                // And back: the unprivileged container's files become host root's again.
                try await driver.copy(
                    from: unprivileged, to: InstanceSpec(name: privilegedAgain, privileged: true), log: { _ in })
                let back = "\(driver.lxcPath)/\(privilegedAgain)"
                #expect(LXCFixture.owner("\(back)/base/bin/busybox") == (0, 0))
                #expect(LXCFixture.owner("\(back)/delta/root/writable") == (0, 0))
                #expect(LXCFixture.owner("\(back)/delta/srv") == (1000, 1000))
                try await driver.start(name: privilegedAgain, log: { _ in })
                #expect(
                    try await Self.attach(driver, privilegedAgain, "cat /root/note; test -e /mnt || echo no-mnt")
                        == "hello\nno-mnt\n")
            }
        }
    }

    @Test func aCopyOfAMissingContainerIsNotFound() async throws {
        let driver = try fixture.driver
        await #expect(throws: InstanceDriverError.notFound("missing")) {
            try await driver.copy(from: "missing", to: InstanceSpec(name: "copy-of-missing"), log: { _ in })
        }
        #expect(try await !driver.exists(name: "copy-of-missing"))
    }

    @Test func anEmptyRootfsBelongsToTheMappedRootAndCannotStart() async throws {
        let driver = try fixture.driver
        let name = LXCFixture.uniqueName("empty")
        try await LXCFixture.removing([name], driver: driver) {
            try await driver.create(InstanceSpec(name: name), rootfs: nil, log: { _ in })
            let directory = "\(driver.lxcPath)/\(name)"
            #expect(LXCFixture.owner("\(directory)/rootfs") == (100000, 100000))
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/rootfs") == [])
            let config = try String(contentsOfFile: "\(directory)/config", encoding: .utf8)
            #expect(config.contains("lxc.rootfs.path = dir:\(directory)/rootfs\n"))

            let error = try await #require(throws: HostCommandError.self) {
                try await driver.start(name: name, log: { _ in })
            }
            #expect(error.description.contains(#"Failed to exec "/sbin/init""#))
            #expect(try await driver.state(name: name) == InstanceRuntimeState(status: .stopped))
            #expect(LXCFixture.cgroups(of: name) == [])

            // A copy keeps the plain layout, with the owners of its own map.
            let copy = LXCFixture.uniqueName("empty-copy")
            try await LXCFixture.removing([copy], driver: driver) {
                try await driver.copy(from: name, to: InstanceSpec(name: copy, privileged: true), log: { _ in })
                #expect(LXCFixture.owner("\(driver.lxcPath)/\(copy)/rootfs") == (0, 0))
                #expect(!FileManager.default.fileExists(atPath: "\(driver.lxcPath)/\(copy)/base"))
            }
            try await driver.delete(name: name, log: { _ in })
            #expect(!FileManager.default.fileExists(atPath: directory))
        }
    }
}
