import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Virtual machines run by QEMU, each in `directory/NAME` (`VMFiles`): a direct kernel boot of the
/// image's kernel and initramfs (and its disk, if any) on a q35 machine without default devices,
/// driven over QMP on a unix socket, with the serial console and the guest agent's port on two
/// more. QEMU daemonizes into a session of its own, so it outlives berthd; a driver made on the same
/// directory later finds it again through its pid file, trusted only while `/proc/PID/cmdline`
/// names the VM's own directory.
///
/// The guest contract (the test image's): it prints `BERTH-VM-READY uptime=<s>` on ttyS0 when it
/// is up — `start` returns only then — and may run an agent on ttyS1 (`VMAgentMessage`).
public final class QEMUDriver: InstanceDriver {
    public let directory: String
    /// The program that serves `vm-agent-exec` and `vm-console` (berthd itself).
    public let helperExecutable: String
    public let qemuExecutable: String
    /// `kvm` or `tcg`, chosen once (`detectAccelerator`).
    public let accelerator: String
    private let settings = Mutex(Settings())

    struct Settings {
        var bootTimeout: Duration = .seconds(120)
    }

    /// The ready line's prefix on the console.
    static let readyMarker = Array("BERTH-VM-READY".utf8)
    static let kernelCommandLine = "console=ttyS0 panic=-1 quiet"

    public init(
        directory: String, helperExecutable: String,
        qemuExecutable: String = QEMUDriver.findQEMU() ?? "/usr/bin/qemu-system-x86_64"
    ) {
        var path = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.directory = path
        self.helperExecutable = helperExecutable
        self.qemuExecutable = qemuExecutable
        accelerator = Self.detectAccelerator()
    }

    /// How long `start` waits for the guest's ready line before it kills QEMU and fails.
    public var bootTimeout: Duration {
        get { settings.withLock { $0.bootTimeout } }
        set { settings.withLock { $0.bootTimeout = newValue } }
    }

    /// `qemu-system-x86_64` in the usual places, or nil when QEMU is not installed.
    public static func findQEMU() -> String? {
        ["/usr/bin/qemu-system-x86_64", "/usr/local/bin/qemu-system-x86_64", "/bin/qemu-system-x86_64"].first {
            access($0, X_OK) == 0
        }
    }

    func files(_ name: String) -> VMFiles { VMFiles(directory: "\(directory)/\(name)") }

    public func create(_ spec: InstanceSpec, rootfs: String?, log: @escaping DriverLog) async throws {
        try await check(spec)
        try await make(spec, log: log) { [self] staging in
            guard let rootfs else {
                log("no image: the virtual machine has nothing to boot until it is given one")
                return
            }
            let disk = "\(rootfs)/disk.img"
            let hasDisk = try await OffPool.run { FileStatus.isRegularFile(disk) }
            try await installBootFiles(
                from: ["kernel": "\(rootfs)/boot/vmlinuz", "initrd": "\(rootfs)/boot/initrd.img"]
                    .merging(hasDisk ? ["disk.img": disk] : [:]) { $1 },
                into: staging, log: log)
        }
    }

    public func copy(from source: String, to spec: InstanceSpec, log: @escaping DriverLog) async throws {
        try Self.validate(name: source)
        try await check(spec)
        let sourceFiles = files(source)
        guard try await OffPool.run({ FileStatus.isDirectory(sourceFiles.directory) }) else {
            throw InstanceDriverError.notFound(source)
        }
        // A running source is paused while its disk is copied, so the copy is of one moment.
        var paused = false
        if try await state(name: source).status == .running {
            _ = try await QMPClient(socketPath: sourceFiles.qmpSocket).execute("stop")
            paused = true
            log("paused \(source) while its disk is copied")
        }
        do {
            try await make(spec, log: log) { [self] staging in
                try await installBootFiles(
                    from: try await existingBootFiles(in: sourceFiles.directory), into: staging, log: log)
            }
        } catch {
            if paused { _ = try? await QMPClient(socketPath: sourceFiles.qmpSocket).execute("cont") }
            throw error
        }
        if paused { _ = try await QMPClient(socketPath: sourceFiles.qmpSocket).execute("cont") }
    }

    public func check(_ spec: InstanceSpec) async throws {
        try Self.validate(name: spec.name)
        let socket = files(spec.name).consoleSocket
        guard socket.utf8.count < 108 else { throw QEMUDriverError.pathTooLong(socket) }
        _ = try await OffPool.run { try VMLimits(config: spec.config, hostMemory: HostResources.memoryTotal()) }
    }

    /// Keeps the config for the next start: QEMU takes its memory and CPUs at launch only.
    public func reconfigure(_ spec: InstanceSpec, log: @escaping DriverLog) async throws {
        try await check(spec)
        let vm = files(spec.name)
        try await OffPool.run {
            guard FileStatus.isDirectory(vm.directory) else { throw InstanceDriverError.notFound(spec.name) }
            try LXCDriver.writeAtomically(Self.configText(spec.config), to: vm.config)
        }
        log("wrote \(vm.config); limits take effect at the next start")
    }

    public func freeze(name: String, log: @escaping DriverLog) async throws {
        switch try await state(name: name).status {
        case .stopped: throw InstanceDriverError.notRunning
        case .frozen: throw InstanceDriverError.alreadyFrozen
        case .running:
            log("QMP stop")
            _ = try await QMPClient(socketPath: files(name).qmpSocket).execute("stop")
        }
    }

    public func unfreeze(name: String, log: @escaping DriverLog) async throws {
        switch try await state(name: name).status {
        case .stopped: throw InstanceDriverError.notRunning
        case .running: throw InstanceDriverError.notFrozen
        case .frozen:
            log("QMP cont")
            _ = try await QMPClient(socketPath: files(name).qmpSocket).execute("cont")
        }
    }

    public func measurements(name: String) async throws -> InstanceMeasurements {
        try Self.validate(name: name)
        let vm = files(name)
        return try await OffPool.run {
            guard FileStatus.isDirectory(vm.directory) else { throw InstanceDriverError.notFound(name) }
            var space = statvfs()
            let diskSpace = statvfs(vm.directory, &space) == 0 ? UInt64(space.f_blocks) * UInt64(space.f_frsize) : 0
            let limits = (try? VMLimits(config: Self.readConfig(vm.config), hostMemory: HostResources.memoryTotal()))
            return InstanceMeasurements(
                diskUsage: LXCDriver.allocatedBytes(ofTree: vm.directory), diskSpace: diskSpace,
                memory: limits?.memory ?? VMLimits.defaultMemory)
        }
    }

    public func delete(name: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: name)
        if try await exists(name: name), try await runningPID(name) != nil { throw InstanceDriverError.instanceRunning }
        let vm = files(name)
        try await OffPool.run { [self] in
            if FileStatus.exists(vm.directory) {
                // Out of the way in one step, so that a crash never leaves half a VM under its name.
                let doomed = stagingPath(.delete, name)
                guard Glibc.rename(vm.directory, doomed) == 0 else {
                    throw InstanceDriverError.fileSystem(operation: "rename", path: vm.directory, errno: errno)
                }
            }
            // Also what an earlier create or delete of this name left when berthd died.
            for leftover in leftovers(of: name) { try? FileManager.default.removeItem(atPath: leftover) }
        }
        log("deleted \(vm.directory)")
    }

    public func rename(from: String, to: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: from)
        try await check(InstanceSpec(name: to))
        guard try await exists(name: from) else { throw InstanceDriverError.notFound(from) }
        guard try await runningPID(from) == nil else { throw InstanceDriverError.instanceRunning }
        let old = files(from).directory
        let new = files(to).directory
        try await OffPool.run {
            try DirectoryRename.rename(old, to: new, name: to)
        }
        log("renamed \(old) to \(new)")
    }

    public func list() async throws -> [String] {
        try await OffPool.run { [directory] in
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
            return names.filter { !$0.hasPrefix(".") && FileStatus.isDirectory("\(directory)/\($0)") }.sorted()
        }
    }

    public func exists(name: String) async throws -> Bool {
        try Self.validate(name: name)
        let vm = files(name)
        return try await OffPool.run { FileStatus.exists(vm.directory) }
    }
}
