import Drivers
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the real-QEMU tests share: the test VM image built by `scripts/make-vm-image.sh` (the
/// agent and the hang variants) unpacked once, and a directory of VMs, all under one directory in
/// /tmp. The `.qemuFixture` suite trait makes it for the suite and, when the suite ends, passed or
/// failed, kills every QEMU whose command line names that directory and removes it.
struct QEMUFixture: Sendable {
    @TaskLocal static var current: QEMUFixture?

    static let isAvailable = QEMUDriver.findQEMU() != nil

    let directory: String
    /// Unpacked images: `boot/vmlinuz`, `boot/initrd.img`.
    let agentImage: String
    let hangImage: String
    let vms: String

    static func make() async throws -> QEMUFixture {
        let directory = try TemporaryDirectory.make()
        do {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/make-vm-image.sh").path
            var images: [String] = []
            for (variant, tarball) in [("agent", "berth-testvm"), ("hang", "berth-testvm-hang")] {
                try await HostCommand(
                    script, [directory, "--variant", variant], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
                    timeout: .seconds(300)
                )
                .run()
                let image = "\(directory)/image-\(variant)"
                try FileManager.default.createDirectory(atPath: image, withIntermediateDirectories: false)
                try await HostCommand("/bin/tar", ["-C", image, "-xzf", "\(directory)/\(tarball).tar.gz"]).run()
                images.append(image)
            }
            return QEMUFixture(
                directory: directory, agentImage: images[0], hangImage: images[1], vms: "\(directory)/vms")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// A driver on the fixture's VM directory; `helperExecutable` is never run by these tests.
    func driver() -> QEMUDriver {
        QEMUDriver(directory: vms, helperExecutable: "/bin/false")
    }

    /// Kills every QEMU started below the fixture's directory, then removes it.
    func tearDown() async {
        for pid in Self.processes(mentioning: directory) {
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Pids of processes whose command line contains `text`.
    static func processes(mentioning text: String) -> [Int32] {
        let needle = Array(text.utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return false
            }
            let bytes = [UInt8](data)
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
        }
    }
}

/// Provides `QEMUFixture.current` to every test of a suite.
struct QEMUFixtureTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let fixture = try await QEMUFixture.make()
        do {
            try await QEMUFixture.$current.withValue(fixture) { try await function() }
        } catch {
            await fixture.tearDown()
            throw error
        }
        await fixture.tearDown()
    }
}

extension Trait where Self == QEMUFixtureTrait {
    static var qemuFixture: Self { Self() }
}
