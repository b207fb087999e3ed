#if canImport(Glibc)
    import Glibc
#endif

/// What every child the daemon spawns shares, host commands and exec helpers alike.
enum ChildProcess {
    /// Runs `body` with spawn attributes for a child that starts with no signal blocked and every
    /// disposition at its default (the daemon blocks and ignores signals for its own handling, and
    /// a child could otherwise never be stopped, nor Ctrl-C reach a command), in a process group of
    /// its own when `flags` asks for `POSIX_SPAWN_SETPGROUP`. `flags` adds to the signal flags.
    static func withAttributes<T>(flags: Int32, _ body: (inout posix_spawnattr_t) throws -> T) rethrows -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | flags))
        return try body(&attributes)
    }

    /// How `pid` ended if it has, reaping it; nil while it runs.
    static func reap(_ pid: pid_t) -> HostCommandOutput.Termination? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: something else in the process reaped it; the status is lost.
            return .exited(-1)
        }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}
