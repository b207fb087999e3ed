#if canImport(Glibc)
    import Glibc
#endif

/// The parent's ends of a child's three pipes: input still to write, output read so far.
/// Non-blocking descriptors driven by poll(2) on the waiting thread, so a child that fills one
/// pipe while we wait on another never deadlocks.
struct ChildIO {
    private var stdin: Int32
    private let input: [UInt8]
    private var written = 0
    private var stdout: Int32
    private var stderr: Int32
    private(set) var stdoutBytes: [UInt8] = []
    private(set) var stderrBytes: [UInt8] = []

    init(stdin: Int32, input: [UInt8], stdout: Int32, stderr: Int32) {
        self.stdin = stdin
        self.input = input
        self.stdout = stdout
        self.stderr = stderr
        for fd in [stdin, stdout, stderr] where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
    }

    /// All three pipes are closed on our side.
    var isFinished: Bool { stdin < 0 && stdout < 0 && stderr < 0 }

    /// Waits up to `timeoutMilliseconds` for any pipe to be ready and moves what it can.
    mutating func poll(timeoutMilliseconds: Int32) {
        var fds: [pollfd] = []
        if stdin >= 0 { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
        if stdout >= 0 { fds.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
        if stderr >= 0 { fds.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
        guard Glibc.poll(&fds, nfds_t(fds.count), timeoutMilliseconds) > 0 else { return }
        for entry in fds where entry.revents != 0 {
            if entry.fd == stdin {
                writeInput()
            } else if entry.fd == stdout {
                if Self.readAvailable(stdout, into: &stdoutBytes) { Self.close(&stdout) }
            } else if entry.fd == stderr {
                if Self.readAvailable(stderr, into: &stderrBytes) { Self.close(&stderr) }
            }
        }
    }

    /// Takes whatever is buffered in the output pipes without waiting for more.
    mutating func drain() {
        if stdout >= 0, Self.readAvailable(stdout, into: &stdoutBytes) { Self.close(&stdout) }
        if stderr >= 0, Self.readAvailable(stderr, into: &stderrBytes) { Self.close(&stderr) }
    }

    mutating func closeAll() {
        Self.close(&stdin)
        Self.close(&stdout)
        Self.close(&stderr)
    }

    private mutating func writeInput() {
        while written < input.count {
            let count = input.withUnsafeBytes { bytes in
                write(stdin, bytes.baseAddress! + written, bytes.count - written)
            }
            if count > 0 {
                written += count
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && errno == EAGAIN {
                return
            } else {
                break  // EPIPE: the child stopped reading; the rest of the input is not wanted.
            }
        }
        Self.close(&stdin)
    }

    /// Reads until the pipe is empty; true at end of file (or on an error, which ends it too).
    private static func readAvailable(_ fd: Int32, into bytes: inout [UInt8]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                let room = HostCommand.capturedBytesLimit - bytes.count
                if room > 0 { bytes.append(contentsOf: buffer[0..<min(count, room)]) }
            } else if count == 0 {
                return true
            } else if errno == EINTR {
                continue
            } else {
                return errno != EAGAIN
            }
        }
    }

    private static func close(_ fd: inout Int32) {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
