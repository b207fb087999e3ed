import Drivers
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real thing: containers started by LXC from the fast-init busybox image, in a private
/// lxcpath, each test with a container of its own (the tests run in parallel).
@Suite(.enabled(if: LXCFixture.isAvailable, "needs root and the lxc package"), .lxcFixture)
struct LXCDriverTests {
    private var fixture: LXCFixture {
        get throws { try #require(LXCFixture.current) }
    }

    private func withContainer(
        _ label: String, privileged: Bool = false, config: [String: String] = [:],
        _ body: (LXCDriver, String) async throws -> Void
    ) async throws {
        try await fixture.withContainer(label, privileged: privileged, config: config, body)
    }

    @Test func anUnprivilegedContainerRunsAsTheMappedRootAndLeavesNothingWhenDeleted() async throws {
        let driver = try fixture.driver
        let name = LXCFixture.uniqueName("life")
        let directory = "\(driver.lxcPath)/\(name)"
        do {
            let log = LogLines()
            let (_, create) = try await LXCFixture.elapsed {
                try await driver.create(InstanceSpec(name: name), rootfs: try fixture.rootfs, log: log.sink)
            }
            #expect(try await driver.exists(name: name))
            #expect(try await driver.list().contains(name))
            #expect(try await driver.state(name: name) == InstanceRuntimeState(status: .stopped))
            // An overlay: the container's own layers belong to its root, the shared base is shifted.
            #expect(LXCFixture.owner("\(directory)/delta") == (100000, 100000))
            #expect(LXCFixture.owner("\(directory)/work") == (100000, 100000))
            #expect(LXCFixture.owner("\(directory)/base/bin/busybox") == (100000, 100000))
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/rootfs"))
            let linked = "linked \(directory)/base to \(driver.lxcPath)/.bases/"
            #expect(log.all.contains { $0.hasPrefix(linked) && $0.hasSuffix("-u100000g100000n65536") })
            let config = try String(contentsOfFile: "\(directory)/config", encoding: .utf8)
            #expect(config.contains("lxc.rootfs.path = overlay:\(directory)/base:\(directory)/delta\n"))

            let (_, start) = try await LXCFixture.elapsed { try await driver.start(name: name, log: log.sink) }
            #expect(log.all.contains("$ lxc-start -n \(name) -P \(driver.lxcPath) -d"))
            let state = try await driver.state(name: name)
            #expect(state.status == .running)
            #expect(state.pid > 0)
            #expect(state.processes >= 1)
            #expect(state.memoryUsage > 0)
            #expect(state.cpuUsageNanoseconds > 0)
            let ids = try LXCFixture.hostIDs(of: state.pid)
            #expect(ids.uid == 100000 && ids.gid == 100000)

            // The fast init ran rcS, which leaves /run/booted, written into the container's own
            // layer; it exits on SIGPWR, LXC's halt signal here, so a clean stop takes
            // milliseconds rather than the 10 s timeout.
            #expect(try await LXCFixture.waitForFile("\(directory)/delta/run/booted"))
            #expect(LXCFixture.owner("\(directory)/delta/run/booted") == (100000, 100000))
            // LXC mounts the overlay in the container's mount namespace only: on the host the
            // directory holds plain files, which delete's `rm --one-file-system` can remove.
            #expect(try LXCFixture.hostMountPoints().allSatisfy { !$0.hasPrefix(driver.lxcPath) })
            let (_, stop) = try await LXCFixture.elapsed {
                try await driver.stop(name: name, timeout: .seconds(10), force: false, log: log.sink)
            }
            #expect(stop < .seconds(5))
            #expect(try await driver.state(name: name) == InstanceRuntimeState(status: .stopped))

            let (_, delete) = try await LXCFixture.elapsed { try await driver.delete(name: name, log: log.sink) }
            #expect(!FileManager.default.fileExists(atPath: directory))
            #expect(LXCFixture.cgroups(of: name) == [])
            #expect(try await !driver.exists(name: name))
            await #expect(throws: InstanceDriverError.notFound(name)) { try await driver.state(name: name) }
            print(
                "LXCDriver timings: create \(LXCFixture.milliseconds(create)), start \(LXCFixture.milliseconds(start)), "
                    + "clean stop \(LXCFixture.milliseconds(stop)), delete \(LXCFixture.milliseconds(delete))")
        } catch {
            await LXCFixture.discard(name, driver: driver)
            throw error
        }
    }

    @Test func aPrivilegedContainerRunsAsHostRoot() async throws {
        try await withContainer("priv", privileged: true) { driver, name in
            let directory = "\(driver.lxcPath)/\(name)"
            #expect(LXCFixture.owner("\(directory)/base/bin/busybox") == (0, 0))
            #expect(LXCFixture.owner("\(directory)/delta") == (0, 0))
            try await driver.start(name: name, log: { _ in })
            let state = try await driver.state(name: name)
            #expect(state.status == .running)
            let ids = try LXCFixture.hostIDs(of: state.pid)
            #expect(ids.uid == 0 && ids.gid == 0)
        }
    }

    @Test func freezingAndUnfreezingChangeTheState() async throws {
        try await withContainer("freeze") { driver, name in
            await #expect(throws: InstanceDriverError.notRunning) { try await driver.freeze(name: name, log: { _ in }) }
            try await driver.start(name: name, log: { _ in })
            try await driver.freeze(name: name, log: { _ in })
            let frozen = try await driver.state(name: name)
            #expect(frozen.status == .frozen)
            #expect(frozen.pid > 0)
            await #expect(throws: InstanceDriverError.alreadyFrozen) {
                try await driver.freeze(name: name, log: { _ in })
            }
            await #expect(throws: InstanceDriverError.alreadyRunning) {
                try await driver.start(name: name, log: { _ in })
            }
            try await driver.unfreeze(name: name, log: { _ in })
            #expect(try await driver.state(name: name).status == .running)
            await #expect(throws: InstanceDriverError.notFrozen) {
                try await driver.unfreeze(name: name, log: { _ in })
            }
        }
    }

    @Test func aStoppedContainerStartsAgainAndAForceStopKillsIt() async throws {
        try await withContainer("again") { driver, name in
            try await driver.start(name: name, log: { _ in })
            let first = try await driver.state(name: name).pid
            try await driver.stop(name: name, timeout: .seconds(10), force: false, log: { _ in })
            try await driver.start(name: name, log: { _ in })
            let second = try await driver.state(name: name)
            #expect(second.status == .running)
            #expect(second.pid != first)
            let log = LogLines()
            try await driver.stop(name: name, timeout: .seconds(10), force: true, log: log.sink)
            #expect(log.all.contains("$ lxc-stop -n \(name) -P \(driver.lxcPath) -k"))
            #expect(try await driver.state(name: name) == InstanceRuntimeState(status: .stopped))
        }
    }

    @Test func restartGivesTheContainerANewInit() async throws {
        try await withContainer("restart") { driver, name in
            await #expect(throws: InstanceDriverError.alreadyStopped) {
                try await driver.restart(name: name, timeout: .seconds(10), force: false, log: { _ in })
            }
            try await driver.start(name: name, log: { _ in })
            let before = try await driver.state(name: name).pid
            try await driver.restart(name: name, timeout: .seconds(10), force: false, log: { _ in })
            let after = try await driver.state(name: name)
            #expect(after.status == .running)
            #expect(after.pid > 0 && after.pid != before)
        }
    }

    @Test func aStoppedContainerCanBeRenamedAndStartsUnderItsNewName() async throws {
        let newName = LXCFixture.uniqueName("renamed")
        let driver = try fixture.driver
        do {
            try await withContainer("rename") { driver, name in
                try await driver.start(name: name, log: { _ in })
                await #expect(throws: InstanceDriverError.instanceRunning) {
                    try await driver.rename(from: name, to: newName, log: { _ in })
                }
                try await driver.stop(name: name, timeout: .seconds(10), force: true, log: { _ in })
                try await driver.rename(from: name, to: newName, log: { _ in })
                #expect(try await !driver.exists(name: name))
                #expect(try await driver.list().contains(newName))
                #expect(!(try await driver.list().contains(name)))
                #expect(LXCFixture.cgroups(of: name) == [])
                try await driver.start(name: newName, log: { _ in })
                let state = try await driver.state(name: newName)
                #expect(state.status == .running)
                let payload = try LXCFixture.cgroupDirectory(of: state.pid, controller: "memory")
                #expect(payload.hasSuffix(".payload.\(newName)"))
            }
        } catch {
            await LXCFixture.discard(newName, driver: driver)
            throw error
        }
        await LXCFixture.discard(newName, driver: driver)
        #expect(LXCFixture.cgroups(of: newName) == [])
    }

    @Test func refusalsAreTypedWithLXDsMessages() async throws {
        try await withContainer("refuse") { driver, name in
            let stopped = try await #require(throws: InstanceDriverError.self) {
                try await driver.stop(name: name, timeout: .seconds(10), force: false, log: { _ in })
            }
            #expect(stopped == .alreadyStopped)
            #expect(stopped.description == "The instance is already stopped")
            await #expect(throws: InstanceDriverError.alreadyExists(name)) {
                try await driver.create(InstanceSpec(name: name), rootfs: try fixture.rootfs, log: { _ in })
            }
            try await driver.start(name: name, log: { _ in })
            let running = try await #require(throws: InstanceDriverError.self) {
                try await driver.start(name: name, log: { _ in })
            }
            #expect(running == .alreadyRunning)
            #expect(running.description == "The instance is already running")
            await #expect(throws: InstanceDriverError.instanceRunning) {
                try await driver.delete(name: name, log: { _ in })
            }
            #expect(try await driver.state(name: name).status == .running)
        }
        let driver = try fixture.driver
        await #expect(throws: InstanceDriverError.notFound("missing")) { try await driver.state(name: "missing") }
        await #expect(throws: InstanceDriverError.notFound("missing")) {
            try await driver.start(name: "missing", log: { _ in })
        }
        try await driver.delete(name: "missing", log: { _ in })
    }

    @Test func aStartThatFailsSaysWhichCommandFailedAndWhy() async throws {
        try await withContainer("broken") { driver, name in
            // Removed as the overlay removes a file of the base: a whiteout (a 0:0 character
            // device) in the container's own layer.
            let sbin = "\(driver.lxcPath)/\(name)/delta/sbin"
            #expect(mkdir(sbin, 0o755) == 0 && chown(sbin, 100000, 100000) == 0)
            #expect(mknod("\(sbin)/init", S_IFCHR, 0) == 0 && lchown("\(sbin)/init", 100000, 100000) == 0)
            let log = LogLines()
            let error = try await #require(throws: HostCommandError.self) {
                try await driver.start(name: name, log: log.sink)
            }
            let text = error.description
            #expect(text.hasPrefix("lxc-start -n \(name) -P \(driver.lxcPath) -d failed (exit 1): "))
            #expect(text.contains("The container failed to start"))
            #expect(!text.contains("To get more details"))
            #expect(!text.contains("lxc_start.c"))
            // The cause, from the container's lxc.log: init could not be executed.
            #expect(text.contains("/sbin/init"))
            #expect(log.all.first == "$ lxc-start -n \(name) -P \(driver.lxcPath) -d")
            #expect(log.all.contains { $0.contains("The container failed to start") })
            #expect(try await driver.state(name: name).status == .stopped)
        }
    }

    @Test func limitsAreAppliedToTheContainersCgroups() async throws {
        try await withContainer("limits", config: ["limits.memory": "256MiB", "limits.processes": "64"]) {
            driver, name in
            try await driver.start(name: name, log: { _ in })
            let pid = try await driver.state(name: name).pid
            let memory = try LXCFixture.cgroupDirectory(of: pid, controller: "memory")
            #expect(memory.hasSuffix(".payload.\(name)"))
            let limit = try String(contentsOfFile: "\(memory)/memory.limit_in_bytes", encoding: .utf8)
            #expect(limit == "268435456\n")
            let pids = try LXCFixture.cgroupDirectory(of: pid, controller: "pids")
            #expect(try String(contentsOfFile: "\(pids)/pids.max", encoding: .utf8) == "64\n")
        }
    }

    @Test(arguments: [true, false])
    func aCreateThatFailsHalfWayLeavesNothing(overlay: Bool) async throws {
        let fixture = try fixture
        // A disk too small for the 2 MB rootfs: cp fails after the container directory exists,
        // while it builds the base (overlay) or copies the image into the container.
        let lxcPath = "\(fixture.directory)/small-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: lxcPath, withIntermediateDirectories: false)
        try await HostCommand("/bin/mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", lxcPath]).run()
        do {
            let driver = LXCDriver(lxcPath: lxcPath, idmap: fixture.driver.idmap, usesOverlay: overlay)
            let error = try await #require(throws: HostCommandError.self) {
                try await driver.create(InstanceSpec(name: "full"), rootfs: fixture.rootfs, log: { _ in })
            }
            let target = overlay ? "\(lxcPath)/.bases/.tmp-" : "\(lxcPath)/full/rootfs failed (exit 1): "
            #expect(error.description.hasPrefix("cp -a -T -- \(fixture.rootfs) \(target)"))
            #expect(error.description.contains("No space left on device"))
            #expect(try LXCFixture.leftovers(in: lxcPath) == [])

            await #expect(throws: InstanceDriverError.rootfsMissing("/nonexistent")) {
                try await driver.create(InstanceSpec(name: "nofs"), rootfs: "/nonexistent", log: { _ in })
            }
            await #expect(throws: InstanceDriverError.self) {
                try await driver.create(
                    InstanceSpec(name: "badlimit", config: ["limits.memory": "lots"]), rootfs: fixture.rootfs,
                    log: { _ in })
            }
            #expect(try LXCFixture.leftovers(in: lxcPath) == [])
        } catch {
            _ = try? await HostCommand("/bin/umount", [lxcPath]).run()
            throw error
        }
        try await HostCommand("/bin/umount", [lxcPath]).run()
    }

    @Test func withoutOverlayEachContainerGetsACopyThatRunsAndIsRenamedAndDeleted() async throws {
        let fixture = try fixture
        let driver = LXCDriver(lxcPath: fixture.lxcPath, idmap: fixture.driver.idmap, usesOverlay: false)
        let log = LogLines()
        let name = LXCFixture.uniqueName("copied")
        let renamed = LXCFixture.uniqueName("copied2")
        try await LXCFixture.removing([name, renamed], driver: driver) {
            try await driver.create(InstanceSpec(name: name), rootfs: fixture.rootfs, log: log.sink)
            #expect(
                log.all.contains(
                    "no overlay rootfs (the driver is set to copy root filesystems): copying the image's rootfs"))
            #expect(
                log.all.contains { $0.hasPrefix("$ cp -a -T -- \(fixture.rootfs) \(driver.lxcPath)/\(name)/rootfs") })
            try await driver.rename(from: name, to: renamed, log: { _ in })
            let directory = "\(driver.lxcPath)/\(renamed)"
            #expect(LXCFixture.owner("\(directory)/rootfs/bin/busybox") == (100000, 100000))
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/base"))
            let config = try String(contentsOfFile: "\(directory)/config", encoding: .utf8)
            #expect(config.contains("lxc.rootfs.path = dir:\(directory)/rootfs\n"))
            try await driver.start(name: renamed, log: { _ in })
            #expect(try await LXCFixture.waitForFile("\(directory)/rootfs/run/booted"))
            try await driver.stop(name: renamed, timeout: .seconds(10), force: true, log: { _ in })
            try await driver.delete(name: renamed, log: { _ in })
            #expect(!FileManager.default.fileExists(atPath: directory))
        }
    }

    @Test func anLxcpathThatTheMappedRootCannotReachIsRefusedBeforeAnythingIsMade() async throws {
        let fixture = try fixture
        let closed = "\(fixture.directory)/closed-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: closed, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let driver = LXCDriver(lxcPath: "\(closed)/lxc", idmap: fixture.driver.idmap)
        let error = try await #require(throws: InstanceDriverError.self) {
            try await driver.create(InstanceSpec(name: "c1"), rootfs: fixture.rootfs, log: { _ in })
        }
        #expect(error == .notTraversable(path: closed, uid: 100000))
        #expect(
            error.description
                == "\(closed) does not let unprivileged containers (host uid 100000) through; it needs o+x")
        #expect(try FileManager.default.contentsOfDirectory(atPath: closed) == [])
        // Host root needs no way through.
        try await driver.create(InstanceSpec(name: "c1", privileged: true), rootfs: fixture.rootfs, log: { _ in })
        try await driver.delete(name: "c1", log: { _ in })
        #expect(try LXCFixture.leftovers(in: "\(closed)/lxc") == [])
    }

    @Test func aContainerWhoseMonitorWasKilledStartsAgainAndIsDeletedWithItsCgroups() async throws {
        try await withContainer("orphan") { driver, name in
            try await driver.start(name: name, log: { _ in })
            let pid = try await driver.state(name: name).pid
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            let monitor = try #require(
                status.split(separator: "\n").first { $0.hasPrefix("PPid:") }?.split(separator: "\t").last
                    .flatMap { Int32($0) })
            // As if the daemon's host crashed under LXC: the monitor dies without cleaning up.
            #expect(kill(monitor, SIGKILL) == 0)
            var stopped = false
            for _ in 0..<100 where !stopped {
                stopped = try await driver.state(name: name).status == .stopped
                if !stopped { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(stopped)
            #expect(!LXCFixture.cgroups(of: name).isEmpty)
            // LXC refuses to start into an existing cgroup; the driver removes the dead one first.
            try await driver.start(name: name, log: { _ in })
            #expect(try await driver.state(name: name).status == .running)
            try await driver.stop(name: name, timeout: .seconds(10), force: true, log: { _ in })
            try await driver.delete(name: name, log: { _ in })
            #expect(LXCFixture.cgroups(of: name) == [])
        }
    }
}
