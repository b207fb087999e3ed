/// A driver that can run a command inside a running instance and attach to its console (LXD's
/// exec and console). A capability of its own, so that drivers without it still satisfy
/// `InstanceDriver`; the instance operations ask for it with `as?`.
///
/// Implementation requirements:
/// - Both calls return as soon as the process runs; its I/O and its end are reported through the
///   returned `ExecProcess`, on a thread of its own, never on Swift's cooperative pool.
/// - The caller checks that the instance runs; a driver that finds it stopped throws `notRunning`.
/// - `ExecProcess.kill()` ends the command inside the instance too, not only the host side.
public protocol InstanceExecDriver: InstanceDriver {
    /// Starts `request.command` in the instance, on a pseudo-terminal when `request.terminal` is set,
    /// on three pipes otherwise.
    func exec(_ request: ExecRequest, output: @escaping ExecProcess.OutputSink) throws -> ExecProcess

    /// Throws when commands cannot run in the running instance now, or not as `user`:`group`, with
    /// the message the client should see (a virtual machine without its agent: LXD's `VM agent
    /// isn't currently running`). The API asks before it queues an exec, so such a request is
    /// refused with a 400 at once.
    func checkExec(name: String, user: UInt32, group: UInt32) async throws

    /// Attaches to the instance's console on a pseudo-terminal of `size`.
    func console(name: String, size: TerminalSize, output: @escaping ExecProcess.OutputSink) throws -> ExecProcess
}
