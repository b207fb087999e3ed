#if canImport(Glibc)
    import Glibc
#endif

/// The body of `berthd vm-console <console.sock>`, the host helper a console session on a VM runs
/// as (as `lxc-console` is for a container): copies standard input to the VM's serial console
/// socket and the socket to standard output until either ends. On a terminal it puts it in raw
/// mode first, so that each key reaches the guest as typed and the guest does the echoing.
public enum VMConsoleBridge {
    /// `arguments` are the words after `vm-console`. Returns 0 when either side ended, 255 with a
    /// message on standard error when the console socket cannot be reached.
    public static func main(_ arguments: [String]) -> Int32 {
        guard arguments.count == 1 else {
            VMAgentExec.writeAll(2, Array("usage: vm-console CONSOLE_SOCKET\n".utf8))
            return 255
        }
        let socket: VMSocket
        do {
            socket = try VMSocket.connect(to: arguments[0], until: .now + .seconds(5))
        } catch {
            VMAgentExec.writeAll(2, Array("vm-console: \(error)\n".utf8))
            return 255
        }
        if isatty(0) == 1 {
            var settings = termios()
            if tcgetattr(0, &settings) == 0 {
                cfmakeraw(&settings)
                tcsetattr(0, TCSANOW, &settings)
            }
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var fds = [
            pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
            pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return 0 }
            for (index, entry) in fds.enumerated() where entry.revents != 0 {
                let from = entry.fd
                let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                guard count > 0 else { return 0 }
                let bytes = Array(buffer[..<count])
                if index == 0 {
                    do { try socket.write(bytes) } catch { return 0 }
                } else {
                    VMAgentExec.writeAll(1, bytes)
                }
            }
        }
    }
}
