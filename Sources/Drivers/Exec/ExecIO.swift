#if canImport(Glibc)
    import Glibc
#endif

/// The host's ends of a running command's I/O, owned by its `ExecProcess` thread: non-blocking
/// descriptors driven by poll(2), so a command that fills one pipe while another waits never
/// deadlocks. With a terminal, `input` is the master and carries output too.
struct ExecIO: Sendable {
    private(set) var input: Int32
    private var output: Int32
    private var errors: Int32
    private var wake: Int32
    let terminal: Bool
    private var pending: [UInt8] = []
    private var inputEnded = false
    private var terminalOutputOpen: Bool

    init(input: Int32, output: Int32, errors: Int32, wake: Int32, terminal: Bool) {
        self.input = input
        self.output = output
        self.errors = errors
        self.wake = wake
        self.terminal = terminal
        terminalOutputOpen = terminal
        for fd in [input, output, errors, wake] where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
    }

    /// Nothing more can come out: the pipes (or the terminal) reached end of file.
    var outputFinished: Bool { terminal ? !terminalOutputOpen : output < 0 && errors < 0 }

    mutating func queue(_ bytes: [UInt8], ended: Bool) {
        pending += bytes
        if ended { inputEnded = true }
        flushInput()
    }

    mutating func poll(timeoutMilliseconds: Int32, output sink: ExecProcess.OutputSink) {
        var fds: [pollfd] = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        if terminal {
            if input >= 0 && terminalOutputOpen {
                let events = POLLIN | (pending.isEmpty ? 0 : POLLOUT)
                fds.append(pollfd(fd: input, events: Int16(events), revents: 0))
            }
        } else {
            if input >= 0 && !pending.isEmpty { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            if output >= 0 { fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
            if errors >= 0 { fds.append(pollfd(fd: errors, events: Int16(POLLIN), revents: 0)) }
        }
        guard Glibc.poll(&fds, nfds_t(fds.count), timeoutMilliseconds) > 0 else { return }
        for entry in fds where entry.revents != 0 {
            if entry.fd == wake {
                var scratch = [UInt8](repeating: 0, count: 64)
                while read(wake, &scratch, scratch.count) > 0 {}
            } else if terminal {
                if entry.revents & Int16(POLLOUT) != 0 { flushInput() }
                if entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0, Self.forward(input, as: 1, to: sink) {
                    terminalOutputOpen = false
                }
            } else if entry.fd == input {
                flushInput()
            } else if entry.fd == output {
                if Self.forward(output, as: 1, to: sink) { Self.close(&output) }
            } else if entry.fd == errors {
                if Self.forward(errors, as: 2, to: sink) { Self.close(&errors) }
            }
        }
    }

    /// Takes what is buffered after the helper exited, without waiting for more.
    mutating func drain(_ sink: ExecProcess.OutputSink) {
        if terminal {
            if input >= 0, terminalOutputOpen, Self.forward(input, as: 1, to: sink) { terminalOutputOpen = false }
            return
        }
        if output >= 0, Self.forward(output, as: 1, to: sink) { Self.close(&output) }
        if errors >= 0, Self.forward(errors, as: 2, to: sink) { Self.close(&errors) }
    }

    mutating func closeAll() {
        Self.close(&input)
        Self.close(&output)
        Self.close(&errors)
        Self.close(&wake)
    }

    private mutating func flushInput() {
        guard input >= 0 else { return }
        while !pending.isEmpty {
            let count = pending.withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if count > 0 {
                pending.removeFirst(count)
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && errno == EAGAIN {
                return
            } else {
                // EPIPE: the command stopped reading; what it did not take is not wanted.
                pending.removeAll()
                if !terminal { Self.close(&input) }
                return
            }
        }
        if inputEnded && !terminal { Self.close(&input) }
    }

    /// Reads until the descriptor is empty and hands each chunk on; true at end of file (a
    /// terminal's master reports that as EIO once every slave is closed).
    private static func forward(_ fd: Int32, as number: Int, to sink: ExecProcess.OutputSink) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                sink(number, Array(buffer[0..<count]))
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
