import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A command running inside an instance through a host helper (`lxc-attach`, `lxc-console`). One
/// thread of its own moves the bytes and waits for the end, so nothing here ever blocks Swift's
/// cooperative pool; callers queue input, resize, signal and await `exitCode()`.
public final class ExecProcess: Sendable {
    /// Receives output on the process's I/O thread: fd 1 (stdout, or everything a terminal shows) or
    /// fd 2. It may block to slow the reader down when its consumer falls behind; the child then
    /// blocks on a full pipe instead of the daemon buffering without bound.
    public typealias OutputSink = @Sendable (_ fd: Int, _ bytes: [UInt8]) -> Void

    /// The host helper's pid; the command itself is its child.
    public let pid: Int32
    public let hasTerminal: Bool
    private let shared: Mutex<Shared>
    private let exit = Mutex<(code: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    /// What other threads hand the I/O thread. The descriptors are closed by the I/O thread under
    /// this lock, so no caller ever writes to or ioctls a descriptor number already reused.
    struct Shared {
        var pendingInput: [UInt8] = []
        var inputEnded = false
        var wakeFD: Int32
        var terminalFD: Int32
        var exited = false
    }

    init(pid: Int32, io: ExecIO, wakeWrite: Int32, output: @escaping OutputSink) {
        self.pid = pid
        hasTerminal = io.terminal
        shared = Mutex(Shared(wakeFD: wakeWrite, terminalFD: io.terminal ? io.input : -1))
        let thread = Thread { [self] in run(io, output: output) }
        thread.name = "berth.exec"
        thread.start()
    }

    /// Queues bytes for the command's standard input (or the terminal's keyboard).
    public func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        shared.withLock { state in
            guard !state.inputEnded else { return }
            state.pendingInput += bytes
            Self.wake(state.wakeFD)
        }
    }

    /// Ends standard input once what is queued is written (an empty text frame in LXD's protocol).
    /// A terminal has no end of input of its own, so it ignores this.
    public func endInput() {
        shared.withLock { state in
            guard !hasTerminal else { return }
            state.inputEnded = true
            Self.wake(state.wakeFD)
        }
    }

    public func resize(_ size: TerminalSize) {
        shared.withLock { state in
            if state.terminalFD >= 0 { PseudoTerminal.resize(state.terminalFD, to: size) }
        }
    }

    /// Sends `signal` to the command inside the instance. The helper does not pass signals on, so
    /// they go to its children, which are the command (`/proc/PID/task/PID/children`).
    public func signal(_ signal: Int32) {
        shared.withLock { state in
            guard !state.exited else { return }
            let children = Self.children(of: pid)
            if children.isEmpty {
                Glibc.kill(pid, signal)
            } else {
                for child in children { Glibc.kill(child, signal) }
            }
        }
    }

    /// Kills the command and its helper; `exitCode()` then returns 137 (or the code it had already).
    public func kill() {
        signal(SIGKILL)
        shared.withLock { state in
            // The helper leads its own process group (or session), so this reaches all it started.
            if !state.exited { Glibc.kill(-pid, SIGKILL) }
        }
    }

    /// The command's exit code once it ended and all its output was delivered: its status, or
    /// 128 + the signal that killed it, as a shell reports it.
    public func exitCode() async -> Int32 {
        await withCheckedContinuation { continuation in
            let code = exit.withLock { state -> Int32? in
                if let code = state.code { return code }
                state.waiters.append(continuation)
                return nil
            }
            if let code { continuation.resume(returning: code) }
        }
    }

    private func run(_ io: ExecIO, output: OutputSink) {
        var io = io
        // A peer that goes away must not kill the daemon with SIGPIPE; blocked on this thread
        // alone, write(2) fails with EPIPE instead.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        var backoff: UInt32 = 50
        var code: Int32
        while true {
            if let ended = ChildProcess.reap(pid) {
                io.drain(output)
                code = ended.shellStatus
                break
            }
            let (input, ended) = shared.withLock { state in
                defer { state.pendingInput.removeAll(keepingCapacity: true) }
                return (state.pendingInput, state.inputEnded)
            }
            io.queue(input, ended: ended)
            if io.outputFinished {
                // Output closed but the helper has not been reaped: it is exiting. Look again soon.
                usleep(backoff)
                backoff = min(backoff * 2, 10_000)
            } else {
                // A 20 ms tick notices a helper that exited while something it started keeps the pipes.
                io.poll(timeoutMilliseconds: 20, output: output)
            }
        }
        shared.withLock { state in
            state.exited = true
            io.closeAll()
            if state.wakeFD >= 0 { close(state.wakeFD) }
            state.wakeFD = -1
            state.terminalFD = -1
        }
        let waiters = exit.withLock { state in
            state.code = code
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: code) }
    }

    private static func wake(_ fd: Int32) {
        guard fd >= 0 else { return }
        var byte: UInt8 = 1
        _ = Glibc.write(fd, &byte, 1)
    }

    static func children(of pid: Int32) -> [Int32] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else {
            return []
        }
        return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
