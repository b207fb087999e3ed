import Foundation
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// Starting, stopping and looking at a VM's QEMU.
extension QEMUDriver {
    /// Launches QEMU and returns once the guest printed its ready line. A guest that does not
    /// within `bootTimeout`, or a QEMU that exits first, fails the start with the console's last
    /// lines, and no QEMU is left running.
    public func start(name: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: name)
        let vm = files(name)
        guard try await exists(name: name) else { throw InstanceDriverError.notFound(name) }
        guard try await runningPID(name) == nil else { throw InstanceDriverError.alreadyRunning }
        let (limits, diskFormat) = try await OffPool.run {
            for path in [vm.kernel, vm.initrd] where !FileStatus.isRegularFile(path) {
                throw QEMUDriverError.missingBootFile(path)
            }
            let limits = try VMLimits(config: Self.readConfig(vm.config), hostMemory: HostResources.memoryTotal())
            // A QEMU that was killed left its sockets and pid file; the console log is per boot.
            Self.removeRuntimeFiles(vm)
            for path in [vm.consoleLog, vm.qemuLog] {
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
                guard fd >= 0 else { throw InstanceDriverError.fileSystem(operation: "open", path: path, errno: errno) }
                close(fd)
            }
            return (limits, FileStatus.isRegularFile(vm.disk) ? Self.diskFormat(of: vm.disk) : nil)
        }
        let command = HostCommand(
            qemuExecutable, arguments(for: vm, name: name, limits: limits, diskFormat: diskFormat),
            timeout: .seconds(60))
        let started = ContinuousClock.now
        let output = try await command.output(log: log)
        _ = try? await OffPool.run {
            let text = "$ \(command.description)\n" + output.stdoutText + output.stderrText + "\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: vm.qemuLog))
        }
        guard output.termination == .exited(0), let pid = try await runningPID(name) else {
            // The daemonizing parent failed, or the process it left is already gone.
            if let pid = try? String(contentsOfFile: vm.pidFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines), let pid = Int32(pid)
            {
                await kill(pid, of: vm, log: log)
            }
            _ = try? await OffPool.run { Self.removeRuntimeFiles(vm) }
            let console = (try? await OffPool.run { Self.consoleTail(vm) }) ?? []
            guard output.termination == .exited(0) else {
                throw HostCommandError.failed(
                    command: command.description, termination: output.termination, stderr: output.stderrText)
            }
            throw QEMUDriverError.bootFailed(name: name, reason: "QEMU exited at once", console: console)
        }
        log("QEMU runs as pid \(pid) (accel=\(accelerator))")
        try await awaitGuest(vm, pid: pid, name: name, started: started, log: log)
    }

    /// Waits for the guest of QEMU `pid` to print its ready line; past the boot timeout, or when
    /// QEMU exits first, kills it and throws with the console's tail.
    func awaitGuest(
        _ vm: VMFiles, pid: Int32, name: String, started: ContinuousClock.Instant, log: @escaping DriverLog
    ) async throws {
        let timeout = bootTimeout
        log("waiting up to \(timeout) for the guest's ready line")
        let outcome = await waitForReady(vm, pid: pid, timeout: timeout)
        if case .ready(let line) = outcome {
            log("the guest is up after \(started.duration(to: .now)): \(line)")
            return
        }
        await kill(pid, of: vm, log: log)
        let console = (try? await OffPool.run { Self.consoleTail(vm) }) ?? []
        let reason =
            switch outcome {
            case .exited: "QEMU exited before the guest was up"
            case .cancelled: "the start was cancelled before the guest was up"
            default: "the guest did not signal that it was up within \(timeout)"
            }
        log(reason)
        throw QEMUDriverError.bootFailed(name: name, reason: reason, console: console)
    }

    /// A clean stop presses the ACPI power button (QMP `system_powerdown`) and waits up to `timeout`
    /// for the guest to power off; then, or at once with `force`, QMP `quit`, and SIGKILL if even
    /// that is not obeyed.
    public func stop(name: String, timeout: Duration, force: Bool, log: @escaping DriverLog) async throws {
        try Self.validate(name: name)
        guard try await exists(name: name) else { throw InstanceDriverError.notFound(name) }
        guard let pid = try await runningPID(name) else { throw InstanceDriverError.alreadyStopped }
        let vm = files(name)
        let qmp = QMPClient(socketPath: vm.qmpSocket, connectTimeout: .seconds(2), replyTimeout: .seconds(5))
        if !force {
            do {
                // A paused guest cannot act on the power button.
                if try await qmp.execute("query-status")["status"]?.stringValue == "paused" {
                    log("QMP cont: a paused guest cannot power off")
                    _ = try await qmp.execute("cont")
                }
                log("QMP system_powerdown")
                _ = try await qmp.execute("system_powerdown")
            } catch {
                log("\(error)")
            }
            if await waitForExit(pid, of: vm, timeout: timeout) {
                log("the guest powered off")
                _ = try? await OffPool.run { Self.removeRuntimeFiles(vm) }
                return
            }
            log("the guest is still running after \(timeout)")
        }
        log("QMP quit")
        do {
            _ = try await qmp.execute("quit")
        } catch {
            // QEMU may close the monitor before its reply arrives.
            log("\(error)")
        }
        if await waitForExit(pid, of: vm, timeout: .seconds(10)) {
            _ = try? await OffPool.run { Self.removeRuntimeFiles(vm) }
        } else {
            await kill(pid, of: vm, log: log)
        }
    }

    /// Stopped when no QEMU of this VM runs; frozen when QMP says `paused`; running otherwise, also
    /// when the monitor does not answer at once (QEMU is there, and busy or exiting). `processes`
    /// is -1: the processes inside the guest are not visible from the host.
    public func state(name: String) async throws -> InstanceRuntimeState {
        try Self.validate(name: name)
        let vm = files(name)
        let (exists, pid) = try await OffPool.run { (FileStatus.isDirectory(vm.directory), Self.runningPID(vm)) }
        guard exists else { throw InstanceDriverError.notFound(name) }
        guard let pid else { return InstanceRuntimeState(status: .stopped) }
        let qmp = QMPClient(socketPath: vm.qmpSocket, connectTimeout: .seconds(1), replyTimeout: .seconds(2))
        let paused = (try? await qmp.execute("query-status"))?["status"]?.stringValue == "paused"
        let usage = try await OffPool.run { Self.usage(of: pid) }
        return InstanceRuntimeState(
            status: paused ? .frozen : .running, pid: pid, processes: -1, memoryUsage: usage.memory,
            memoryUsagePeak: usage.peak, cpuUsageNanoseconds: usage.cpuNanoseconds)
    }
}
