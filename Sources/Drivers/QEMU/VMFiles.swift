/// The files of one VM, all in its directory: what it boots (`kernel`, `initrd`, an optional
/// `disk.img`), its `config`, QEMU's sockets and pid file while it runs, and its logs. QEMU gets
/// every path absolute: `-daemonize` changes its working directory to `/`.
struct VMFiles: Sendable {
    let directory: String

    var kernel: String { "\(directory)/kernel" }
    var initrd: String { "\(directory)/initrd" }
    var disk: String { "\(directory)/disk.img" }
    var config: String { "\(directory)/config" }
    var qmpSocket: String { "\(directory)/qmp.sock" }
    var consoleSocket: String { "\(directory)/console.sock" }
    var agentSocket: String { "\(directory)/agent.sock" }
    var pidFile: String { "\(directory)/qemu.pid" }
    var consoleLog: String { "\(directory)/console.log" }
    var qemuLog: String { "\(directory)/qemu.log" }
    var snapshots: String { "\(directory)/snapshots" }

    /// What a running QEMU leaves behind when it is killed.
    var runtimeFiles: [String] { [qmpSocket, consoleSocket, agentSocket, pidFile] }

    /// The boot files a VM, a snapshot and an image share, by their names in a VM's directory.
    static let bootFileNames = ["kernel", "initrd", "disk.img"]
}
