/// Why the QEMU driver refused or failed, apart from the lifecycle refusals it shares with every
/// driver (`InstanceDriverError`), a failed host command (`HostCommandError`) and QMP (`QMPError`).
public enum QEMUDriverError: Error, Equatable, CustomStringConvertible {
    /// The guest did not print its ready line: QEMU exited, or `timeout` passed. QEMU is gone
    /// either way; `console` holds the last lines the guest wrote on its serial console.
    case bootFailed(name: String, reason: String, console: [String])
    /// The guest agent did not answer a ping on the agent port (LXD's own message).
    case agentNotRunning
    /// Snapshots copy the disk of a stopped VM only.
    case snapshotOfRunningVM
    /// `/files` works on containers only.
    case fileAccessUnsupported
    /// Exec as another user or group than root's: the guest agent cannot change its ids.
    case execAsUserUnsupported(user: UInt32, group: UInt32)
    /// The VM has no kernel or initrd to boot (made empty, or from an incomplete image).
    case missingBootFile(String)
    /// A socket path in the VM's directory is longer than a unix socket address can be.
    case pathTooLong(String)

    public var description: String {
        switch self {
        case .bootFailed(let name, let reason, let console):
            let tail = console.isEmpty ? "(the console is empty)" : console.joined(separator: "\n")
            return "Virtual machine \"\(name)\" failed to start: \(reason)\nLast console lines:\n\(tail)"
        case .agentNotRunning: return "VM agent isn't currently running"
        case .snapshotOfRunningVM:
            return "Snapshots of running virtual machines are not supported: stop the instance first"
        case .fileAccessUnsupported: return "File access is not supported for virtual machines"
        case .execAsUserUnsupported(let user, let group):
            return
                "The VM agent runs commands as root only, not as user \(user) and group \(group): leave user and group unset"
        case .missingBootFile(let path): return "The virtual machine cannot boot: \(path) is missing"
        case .pathTooLong(let path): return "The socket path \(path) is too long for a unix socket"
        }
    }
}
