import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension QEMUDriver {
    /// QEMU's arguments for the VM: a q35 machine with nothing but what is asked for (no NIC, no
    /// VGA, no default serial or monitor), a direct kernel boot, the disk on virtio if there is
    /// one, QMP and the two serial ports on unix sockets in the VM's directory (the console's
    /// output also appended to `console.log` whether or not anyone is attached), daemonized with a
    /// pid file.
    func arguments(for vm: VMFiles, name: String, limits: VMLimits, diskFormat: String?) -> [String] {
        var arguments = [
            "-name", name.replacingOccurrences(of: ",", with: ",,"),
            "-machine", "q35,accel=\(accelerator)",
            "-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none", "-no-reboot",
            "-m", limits.memoryArgument, "-smp", String(limits.cpus),
            "-kernel", vm.kernel, "-initrd", vm.initrd, "-append", Self.kernelCommandLine,
        ]
        if let diskFormat {
            arguments += ["-drive", "file=\(Self.escaped(vm.disk)),format=\(diskFormat),if=virtio,discard=unmap"]
        }
        arguments += [
            "-qmp", "unix:\(Self.escaped(vm.qmpSocket)),server=on,wait=off",
            "-chardev",
            "socket,id=console,path=\(Self.escaped(vm.consoleSocket)),server=on,wait=off,"
                + "logfile=\(Self.escaped(vm.consoleLog)),logappend=on",
            "-serial", "chardev:console",
            "-chardev", "socket,id=agent,path=\(Self.escaped(vm.agentSocket)),server=on,wait=off",
            "-serial", "chardev:agent",
            "-pidfile", vm.pidFile, "-daemonize",
        ]
        return arguments
    }

    /// A value inside a QEMU option list, where a comma is written twice.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: ",", with: ",,")
    }

    /// `qcow2` for a disk that starts with qcow2's magic (`QFI\xfb`), `raw` otherwise; nil when
    /// there is no disk. Blocking.
    static func diskFormat(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var magic = [UInt8](repeating: 0, count: 4)
        let count = magic.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4) }
        return count == 4 && magic == [0x51, 0x46, 0x49, 0xFB] ? "qcow2" : "raw"
    }
}
