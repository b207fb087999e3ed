import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finding, watching and ending a VM's QEMU process, which is not berthd's child (it daemonized),
/// so it is known by its pid file and checked by its command line, never waited for.
extension QEMUDriver {
    /// The pid of the VM's QEMU, or nil when it does not run.
    func runningPID(_ name: String) async throws -> Int32? {
        let vm = files(name)
        return try await OffPool.run { Self.runningPID(vm) }
    }

    /// The pid in the pid file if that process is this VM's QEMU: a pid file a killed QEMU left
    /// may name a pid reused since, and a zombie has an empty command line. Blocking.
    static func runningPID(_ vm: VMFiles) -> Int32? {
        guard let text = try? String(contentsOfFile: vm.pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
            isQEMU(pid, of: vm)
        else { return nil }
        return pid
    }

    /// Whether `pid` is a QEMU of this VM: one of its arguments names the VM's QMP socket.
    static func isQEMU(_ pid: Int32, of vm: VMFiles) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let needle = Array(vm.qmpSocket.utf8)
        return data.split(separator: 0).contains { argument in
            let bytes = Array(argument)
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
        }
    }

    /// Waits until `pid` is no longer this VM's QEMU; false if it still is at `timeout`.
    func waitForExit(_ pid: Int32, of vm: VMFiles, timeout: Duration) async -> Bool {
        (try? await OffPool.run {
            let deadline = ContinuousClock.now + timeout
            while Self.isQEMU(pid, of: vm) {
                if ContinuousClock.now >= deadline { return false }
                usleep(10_000)
            }
            return true
        }) ?? false
    }

    /// SIGKILL, then waits for it to be gone, then removes what it left (sockets, pid file).
    func kill(_ pid: Int32, of vm: VMFiles, log: @escaping DriverLog) async {
        if Self.isQEMU(pid, of: vm) {
            log("killing QEMU (pid \(pid))")
            Glibc.kill(pid, SIGKILL)
        }
        _ = await waitForExit(pid, of: vm, timeout: .seconds(10))
        _ = try? await OffPool.run { Self.removeRuntimeFiles(vm) }
    }

    /// Blocking.
    static func removeRuntimeFiles(_ vm: VMFiles) {
        for path in vm.runtimeFiles { unlink(path) }
    }

    /// Resident memory (and its peak) and CPU time of a running QEMU, from /proc. Blocking.
    static func usage(of pid: Int32) -> (memory: UInt64, peak: UInt64, cpuNanoseconds: UInt64) {
        var memory: UInt64 = 0
        var peak: UInt64 = 0
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 2, let kilobytes = UInt64(fields[1]) else { continue }
                if fields[0] == "VmRSS:" { memory = kilobytes * 1024 }
                if fields[0] == "VmHWM:" { peak = kilobytes * 1024 }
            }
        }
        var cpu: UInt64 = 0
        // utime and stime are fields 14 and 15, counted after the parenthesised command name.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) {
                let ticks = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))
                cpu = (user + system) * (1_000_000_000 / ticks)
            }
        }
        return (memory, peak, cpu)
    }
}
