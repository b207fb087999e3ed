import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// A connected unix stream socket to QEMU (its QMP monitor, or a serial port's chardev) read line
/// by line, every call bounded by a deadline. Blocking: used on threads of their own, never on
/// Swift's cooperative pool. The descriptor is closed with the value.
struct VMSocket: ~Copyable {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Connects to `path`, retrying until `deadline` while the socket file does not exist yet or
    /// nobody listens on it: QEMU creates the file when it binds, a moment before it listens.
    static func connect(to path: String, until deadline: ContinuousClock.Instant) throws(VMSocketError) -> VMSocket {
        guard path.utf8.count < 108 else { throw .connect(path: path, errno: ENAMETOOLONG) }
        var delay: UInt32 = 1000
        while true {
            let result = clinux_connect_unix(path)
            if result >= 0 { return VMSocket(descriptor: result) }
            let code = -result
            guard code == ENOENT || code == ECONNREFUSED || code == EINTR, ContinuousClock.now < deadline else {
                throw .connect(path: path, errno: code)
            }
            usleep(delay)
            delay = min(delay * 2, 50_000)
        }
    }

    /// Writes all of `bytes`. A closed peer is an error, never SIGPIPE (`MSG_NOSIGNAL`).
    func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant? = nil) throws(VMSocketError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && errno == EINTR {
                continue
            } else if sent < 0 && errno == EAGAIN {
                try wait(for: Int16(POLLOUT), until: deadline)
            } else {
                throw errno == EPIPE || errno == ECONNRESET ? .closed : .system(call: "send", errno: errno)
            }
        }
    }

    /// The next line without its newline (and a `\r` before it); nil when the peer closed the
    /// connection first. Throws `timedOut` past `deadline` (nil: waits as long as it takes).
    mutating func readLine(until deadline: ContinuousClock.Instant? = nil) throws(VMSocketError) -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            guard let chunk = try read(until: deadline) else { return nil }
            buffer += chunk
        }
    }

    /// What arrives next, at most 64 KiB; nil at end of file.
    func read(until deadline: ContinuousClock.Instant? = nil) throws(VMSocketError) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            try wait(for: Int16(POLLIN), until: deadline)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(chunk[..<count]) }
            if count == 0 { return nil }
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == ECONNRESET { return nil }
            throw .system(call: "recv", errno: errno)
        }
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant?) throws(VMSocketError) {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let (seconds, attoseconds) = ContinuousClock.now.duration(to: deadline).components
                guard seconds >= 0 && (seconds > 0 || attoseconds > 0) else { throw .timedOut }
                timeout = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, timeout)
            if ready > 0 { return }
            if ready == 0 { throw .timedOut }
            if errno != EINTR { throw .system(call: "poll", errno: errno) }
        }
    }
}
