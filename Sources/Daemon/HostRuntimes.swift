import API
import Drivers
import Foundation

/// The instance runtimes of this host, found once at start: LXC always, QEMU when installed.
struct HostRuntimes {
    let containers: LXCDriver
    let virtualMachines: QEMUDriver?
    let lxcVersion: String
    let qemuVersion: String

    static func detect(stateDirectory: String) async -> HostRuntimes {
        let containers = LXCDriver(lxcPath: stateDirectory + "/containers", idmap: try? IDMap.fromSubordinateIDs())
        let lxcVersion = await firstLine(of: containers.toolsDirectory + "/lxc-start", "--version")
        guard let qemu = QEMUDriver.findQEMU() else {
            return HostRuntimes(containers: containers, virtualMachines: nil, lxcVersion: lxcVersion, qemuVersion: "")
        }
        // The helpers run as this very executable, whichever name it was started by.
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let machines = QEMUDriver(
            directory: stateDirectory + "/vms", helperExecutable: executable, qemuExecutable: qemu)
        // "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)" → "7.2.19".
        let banner = await firstLine(of: qemu, "--version")
        let version = banner.split(separator: " ").dropFirst(3).first.map(String.init) ?? banner
        return HostRuntimes(
            containers: containers, virtualMachines: machines, lxcVersion: lxcVersion, qemuVersion: version)
    }

    /// `info` with LXD's `driver` fields (`lxc | qemu`) and the VM accelerator.
    func describe(_ info: ServerInfo) -> ServerInfo {
        var info = info
        info.drivers = [("lxc", lxcVersion)] + (virtualMachines.map { _ in [("qemu", qemuVersion)] } ?? [])
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
