import Drivers
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the real-LXC tests share: the fast-init busybox image built by
/// `scripts/build-busybox-image.sh` and unpacked once, and a private lxcpath, all in one
/// directory under /tmp. The `.lxcFixture` suite trait makes it for the suite and removes it, with
/// every container left in the lxcpath, when the suite ends, passed or failed.
struct LXCFixture: Sendable {
    @TaskLocal static var current: LXCFixture?

    /// Real containers need root and the lxc package; elsewhere the suite is skipped.
    static let isAvailable = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/lxc-start")

    let directory: String
    let rootfs: String
    let lxcPath: String
    let driver: LXCDriver

    static func make() async throws -> LXCFixture {
        let directory = try TemporaryDirectory.make()
        do {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/build-busybox-image.sh").path
            try await HostCommand(script, [directory], environment: ["FAST_INIT": "1", "PATH": "/usr/bin:/bin"]).run()
            try await HostCommand(
                "/bin/tar", ["-C", directory, "-xzf", "\(directory)/busybox-fastinit.tar.gz", "rootfs"]
            )
            .run()
            // Not made here: the driver makes it, with the modes the mapped root needs.
            let lxcPath = "\(directory)/lxc"
            let driver = LXCDriver(lxcPath: lxcPath, idmap: try IDMap.fromSubordinateIDs())
            return LXCFixture(directory: directory, rootfs: "\(directory)/rootfs", lxcPath: lxcPath, driver: driver)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Kills and deletes every container still in the lxcpath, then removes the directory.
    func tearDown() async {
        for name in (try? await driver.list()) ?? [] {
            await Self.discard(name, driver: driver)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Removes one container whatever state a failed test left it in.
    static func discard(_ name: String, driver: LXCDriver) async {
        if let state = try? await driver.state(name: name), state.status != .stopped {
            try? await driver.stop(name: name, timeout: .seconds(1), force: true, log: { _ in })
        }
        try? await driver.delete(name: name, log: { _ in })
    }
}

/// Provides `LXCFixture.current` to every test of a suite.
struct LXCFixtureTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let fixture = try await LXCFixture.make()
        do {
            try await LXCFixture.$current.withValue(fixture) { try await function() }
        } catch {
            await fixture.tearDown()
            throw error
        }
        await fixture.tearDown()
    }
}

extension Trait where Self == LXCFixtureTrait {
    static var lxcFixture: Self { Self() }
}
