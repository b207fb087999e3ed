import Drivers

/// The host helpers berthd runs as separate processes of itself: for a virtual machine what
/// `lxc-attach` and `lxc-console` are for a container (a pid to signal, pipes or a terminal, an
/// exit code), speaking to the guest's serial ports. `berthd vm-agent-exec SOCKET SCRIPT`,
/// `berthd vm-console SOCKET`.
enum HostHelper: String {
    case vmAgentExec = "vm-agent-exec"
    case vmConsole = "vm-console"

    func run(_ arguments: [String]) -> Int32 {
        switch self {
        case .vmAgentExec: VMAgentExec.main(arguments)
        case .vmConsole: VMConsoleBridge.main(arguments)
        }
    }
}
