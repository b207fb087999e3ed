#if canImport(Glibc)
    import Glibc
#endif

extension HostCommand {
    /// At most this much of each output stream is kept; the rest is read and dropped, so a chatty
    /// program can neither block on a full pipe nor fill the daemon's memory.
    static let capturedBytesLimit = 16 << 20

    /// Spawns the program and waits for it. Blocking: call it only on a thread of its own.
    func spawnAndWait() throws -> HostCommandOutput {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started.advanced(by: timeout)
        var handedOver = [standardInput, standardOutput].compactMap { $0 }
        defer { for fd in handedOver { close(fd) } }

        let stdin = try Self.makePipe(command: description)
        let stdout: (read: Int32, write: Int32)
        let stderr: (read: Int32, write: Int32)
        do {
            stdout = try Self.makePipe(command: description)
        } catch {
            close(stdin.read)
            close(stdin.write)
            throw error
        }
        do {
            stderr = try Self.makePipe(command: description)
        } catch {
            for fd in [stdin.read, stdin.write, stdout.read, stdout.write] { close(fd) }
            throw error
        }

        let pid: pid_t
        do {
            pid = try spawn(
                stdin: standardInput ?? stdin.read, stdout: standardOutput ?? stdout.write, stderr: stderr.write)
        } catch {
            for fd in [stdin.read, stdin.write, stdout.read, stdout.write, stderr.read, stderr.write] { close(fd) }
            throw error
        }
        close(stdin.read)
        close(stdout.write)
        close(stderr.write)
        for fd in handedOver { close(fd) }
        handedOver = []

        // A program that exits without reading all of its input turns our write into SIGPIPE.
        // Blocked on this thread alone, the signal stays pending here and dies with the thread,
        // and write(2) fails with EPIPE instead of killing the daemon.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        var io = ChildIO(
            stdin: input.isEmpty ? -1 : stdin.write, input: input, stdout: stdout.read, stderr: stderr.read)
        if input.isEmpty { close(stdin.write) }
        defer { io.closeAll() }

        var backoff: UInt32 = 50
        while true {
            if let status = ChildProcess.reap(pid) {
                // The child is gone. What it wrote is in the pipes now; a daemon it left behind
                // may hold the write ends open for ever, so take what is there and do not wait for EOF.
                io.drain()
                return HostCommandOutput(
                    termination: status, stdout: io.stdoutBytes, stderr: io.stderrBytes,
                    duration: started.duration(to: clock.now))
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                throw HostCommandError.timedOut(command: description, after: timeout)
            }
            let (seconds, attoseconds) = remaining.components
            let remainingMilliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            if io.isFinished {
                // Output closed but the process has not been reaped yet: it is exiting (or has
                // closed its output and goes on), so look again soon, then less often.
                usleep(backoff)
                backoff = min(backoff * 2, 10_000)
            } else {
                // A 20 ms tick notices a child that exited while a descendant keeps its pipes.
                io.poll(timeoutMilliseconds: min(20, remainingMilliseconds))
            }
        }
    }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Descriptors the daemon opened without O_CLOEXEC (sockets, other commands' pipes) must
        // not outlive the call in a long-lived child such as the LXC monitor.
        _ = LinuxSymbols.closeFrom?(&actions, 3)

        // posix_spawn cannot set a parent-death signal; setpriv sets it and execs the program. The
        // thread that spawns also waits, so the signal comes only when the process dies.
        let program = diesWithBerthd ? "/usr/bin/setpriv" : executable
        let argv = CStringArray(
            diesWithBerthd
                ? ["setpriv", "--pdeathsig", "KILL", "--", executable] + arguments : [executable] + arguments)
        defer { argv.free() }
        let envp = environment.map { CStringArray($0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }) }
        defer { envp?.free() }

        var pid: pid_t = 0
        // Its own process group, so a timeout kills whatever it started too.
        let result = ChildProcess.withAttributes(flags: Int32(POSIX_SPAWN_SETPGROUP)) { attributes in
            argv.pointers.withUnsafeBufferPointer { argvBuffer in
                if let envp {
                    return envp.pointers.withUnsafeBufferPointer { envBuffer in
                        posix_spawn(
                            &pid, program, &actions, &attributes, argvBuffer.baseAddress!, envBuffer.baseAddress!)
                    }
                }
                return posix_spawn(&pid, program, &actions, &attributes, argvBuffer.baseAddress!, environ)
            }
        }
        guard result == 0 else { throw HostCommandError.launchFailed(command: description, errno: result) }
        return pid
    }

    private static func makePipe(command: String) throws -> (read: Int32, write: Int32) {
        guard let ends = ClosingPipe.make() else {
            throw HostCommandError.launchFailed(command: command, errno: errno)
        }
        return ends
    }
}
