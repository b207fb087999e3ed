#if canImport(Glibc)
    import Glibc
#endif

extension ExecProcess {
    /// glibc's POSIX_SPAWN_SETSID (spawn.h, behind _GNU_SOURCE, which Swift's Glibc does not define).
    private static let spawnSetSID: Int32 = 0x80

    /// Starts `program` on three pipes, or on a new pseudo-terminal of `terminal`'s size as the
    /// leader of a session whose controlling terminal it is (so resizing reaches it as SIGWINCH).
    /// `directory` is the helper's working directory on the host when it exists there.
    static func start(
        program: String, arguments: [String], environment: [String: String], directory: String?,
        terminal: TerminalSize?, output: @escaping OutputSink
    ) throws(ExecError) -> ExecProcess {
        var opened: [Int32] = []
        func pipePair() throws(ExecError) -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            guard let pipe2 = LinuxSymbols.pipe2, pipe2(&fds, O_CLOEXEC) == 0 else { throw .system("pipe2", errno) }
            opened += fds
            return (fds[0], fds[1])
        }
        do throws(ExecError) {
            let wake = try pipePair()
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            var flags: Int32 = 0
            let io: ExecIO
            var childEnds: [Int32] = []
            if let terminal {
                let pty = try PseudoTerminal.open(size: terminal)
                opened.append(pty.master)
                // Opened after setsid (glibc runs it before the file actions): the controlling terminal.
                posix_spawn_file_actions_addopen(&actions, 0, pty.slavePath, O_RDWR, 0)
                posix_spawn_file_actions_adddup2(&actions, 0, 1)
                posix_spawn_file_actions_adddup2(&actions, 0, 2)
                flags |= spawnSetSID
                io = ExecIO(input: pty.master, output: -1, errors: -1, wake: wake.read, terminal: true)
            } else {
                let stdin = try pipePair()
                let stdout = try pipePair()
                let stderr = try pipePair()
                posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
                posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
                posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)
                flags |= Int32(POSIX_SPAWN_SETPGROUP)
                childEnds = [stdin.read, stdout.write, stderr.write]
                io = ExecIO(
                    input: stdin.write, output: stdout.read, errors: stderr.read, wake: wake.read, terminal: false)
            }
            if let directory, access(directory, X_OK) == 0 { _ = LinuxSymbols.changeDirectory?(&actions, directory) }
            // Descriptors the daemon opened without O_CLOEXEC (sockets) must not reach the command.
            _ = LinuxSymbols.closeFrom?(&actions, 3)

            let argv = ([program] + arguments).map { strdup($0) } + [nil]
            let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for pointer in argv + envp { free(pointer) } }
            var pid: pid_t = 0
            let result = ChildProcess.withAttributes(flags: flags) { attributes in
                posix_spawn(&pid, program, &actions, &attributes, argv, envp)
            }
            guard result == 0 else { throw ExecError.launchFailed(program: program, errno: result) }
            for fd in childEnds { close(fd) }
            return ExecProcess(pid: pid, io: io, wakeWrite: wake.write, output: output)
        } catch {
            for fd in opened { close(fd) }
            throw error
        }
    }
}
