import Foundation

/// Exec and console in VMs, each through a host helper on the VM's sockets (berthd's own
/// `vm-agent-exec` and `vm-console`), so that they are processes like `lxc-attach` and
/// `lxc-console` with a pid, pipes or a terminal, and an exit code.
extension QEMUDriver: InstanceExecDriver {
    /// How long the guest agent may take to answer a ping before exec is refused.
    static let agentPingTimeout: Duration = .seconds(2)

    /// The agent was asked before the exec was queued (`checkExec`); asking again here would block
    /// the calling task's thread for up to the ping timeout. An agent gone since makes the helper
    /// exit 255 with the reason on stderr. The agent runs commands as root (`checkExec` refuses
    /// any other `user` or `group`), and the command's output arrives when it ends. `kill()` ends
    /// the helper only: the agent has no way to stop a command it started.
    public func exec(_ request: ExecRequest, output: @escaping ExecProcess.OutputSink) throws -> ExecProcess {
        try Self.validate(name: request.instance)
        let vm = files(request.instance)
        guard Self.runningPID(vm) != nil else { throw InstanceDriverError.notRunning }
        let script = Data(VMAgentScript.make(for: request).utf8).base64EncodedString()
        return try ExecProcess.start(
            program: helperExecutable, arguments: ["vm-agent-exec", vm.agentSocket, script],
            environment: Self.helperEnvironment, directory: "/", terminal: request.terminal, output: output)
    }

    /// Throws `notRunning` for a stopped VM, `agentNotRunning` when its agent does not answer a
    /// ping in time, and `execAsUserUnsupported` for a user or group other than root's: the guest
    /// agent is a busybox shell with no way to change its ids, and running the command as root
    /// instead of the user asked for would be worse than refusing.
    public func checkExec(name: String, user: UInt32, group: UInt32) async throws {
        try Self.validate(name: name)
        guard user == 0, group == 0 else { throw QEMUDriverError.execAsUserUnsupported(user: user, group: group) }
        let vm = files(name)
        try await OffPool.run {
            guard FileStatus.isDirectory(vm.directory) else { throw InstanceDriverError.notFound(name) }
            guard Self.runningPID(vm) != nil else { throw InstanceDriverError.notRunning }
            try Self.pingAgent(socket: vm.agentSocket, timeout: Self.agentPingTimeout)
        }
    }

    /// Attaches to the serial console (ttyS0). QEMU's console socket takes one client at a time.
    public func console(name: String, size: TerminalSize, output: @escaping ExecProcess.OutputSink) throws
        -> ExecProcess
    {
        try Self.validate(name: name)
        let vm = files(name)
        guard Self.runningPID(vm) != nil else { throw InstanceDriverError.notRunning }
        return try ExecProcess.start(
            program: helperExecutable, arguments: ["vm-console", vm.consoleSocket], environment: Self.helperEnvironment,
            directory: "/", terminal: size, output: output)
    }

    /// Throws `agentNotRunning` unless the agent on `socket` answers `PING` with `PONG` in time.
    /// The ping is repeated every 250 ms: the guest's agent starts listening only after the ready
    /// line, and what arrives before that is lost. Blocking.
    static func pingAgent(socket path: String, timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        let id = VMAgentMessage.newID()
        do {
            var socket = try VMSocket.connect(to: path, until: deadline)
            while ContinuousClock.now < deadline {
                try socket.write(VMAgentMessage(verb: "PING", id: id).line, until: deadline)
                let retry = min(deadline, .now + .milliseconds(250))
                do {
                    while let line = try socket.readLine(until: retry) {
                        if VMAgentMessage(line: line) == VMAgentMessage(verb: "PONG", id: id) { return }
                    }
                    break
                } catch .timedOut {
                    continue
                }
            }
        } catch {}
        throw QEMUDriverError.agentNotRunning
    }

    private static let helperEnvironment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "xterm"]
}
