import API
import Drivers
import Foundation

/// The instance runtimes of this host, found once at start: LXC always, QEMU when installed.
struct HostRuntimes: Sendable {
    let containers: LXCDriver
    let virtualMachines: QEMUDriver?

    /// What `GET /1.0` shows of each runtime's tools.
    struct Versions: Sendable {
        var lxc = ""
        var qemu = ""
    }

    /// Finds the runtimes without running them: their versions are asked for by `versions()`.
    static func detect(stateDirectory: String) -> HostRuntimes {
        let containers = LXCDriver(lxcPath: stateDirectory + "/containers", idmap: try? IDMap.fromSubordinateIDs())
        guard let qemu = QEMUDriver.findQEMU() else {
            return HostRuntimes(containers: containers, virtualMachines: nil)
        }
        // The helpers run as this very executable, whichever name it was started by.
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let machines = QEMUDriver(
            directory: stateDirectory + "/vms", helperExecutable: executable, qemuExecutable: qemu)
        return HostRuntimes(containers: containers, virtualMachines: machines)
    }

    /// Asks `lxc-start` and QEMU for their versions, both at once: two process starts (QEMU's takes
    /// 20-30 ms), which the daemon overlaps with opening its database and recovering operations.
    func versions() async -> Versions {
        async let lxc = Self.firstLine(of: containers.toolsDirectory + "/lxc-start", "--version")
        var versions = Versions()
        if let qemu = virtualMachines?.qemuExecutable {
            // "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)" → "7.2.19".
            let banner = await Self.firstLine(of: qemu, "--version")
            versions.qemu = banner.split(separator: " ").dropFirst(3).first.map(String.init) ?? banner
        }
        versions.lxc = await lxc
        return versions
    }

    /// `info` with LXD's `driver` fields (`lxc | qemu`) and the VM accelerator.
    func describe(_ info: ServerInfo, versions: Versions) -> ServerInfo {
        var info = info
        info.drivers = [("lxc", versions.lxc)] + (virtualMachines.map { _ in [("qemu", versions.qemu)] } ?? [])
        info.virtualMachineAccelerator = virtualMachines?.accelerator
        return info
    }

    private static func firstLine(of program: String, _ arguments: String...) async -> String {
        guard let output = try? await HostCommand(program, arguments, timeout: .seconds(5)).output(),
            output.termination == .exited(0)
        else { return "" }
        return output.stdoutText.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) }
            ?? ""
    }
}
