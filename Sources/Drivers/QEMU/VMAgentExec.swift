import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The body of `berthd vm-agent-exec <agent.sock> <base64 script>`, the host helper an exec in a
/// VM runs as (so that it is a process like `lxc-attach`, with pipes or a terminal, a pid to
/// signal and an exit code): sends the script to the guest agent with a fresh id, writes what
/// the agent returns to fd 1 and fd 2, and exits with the command's code. The agent sends the
/// whole output at the end, so nothing streams; standard input is not forwarded.
public enum VMAgentExec {
    /// `arguments` are the words after `vm-agent-exec`. Returns the command's exit code, or 255
    /// with a message on standard error when the agent cannot be reached or goes away.
    public static func main(_ arguments: [String]) -> Int32 {
        guard arguments.count == 2 else {
            writeAll(2, Array("usage: vm-agent-exec AGENT_SOCKET BASE64_SCRIPT\n".utf8))
            return 255
        }
        return run(socket: arguments[0], script: arguments[1]) { fd, bytes in writeAll(fd, bytes) }
    }

    /// Runs the base64 `script` through the agent on `socket`, handing what it printed to `output`
    /// (fd 1 or 2); the command's exit code, or 255 after a message on fd 2.
    static func run(socket path: String, script: String, output: (_ fd: Int32, _ bytes: [UInt8]) -> Void) -> Int32 {
        let id = VMAgentMessage.newID()
        func report(_ message: String) { output(2, Array("vm-agent-exec: \(message)\n".utf8)) }
        do throws(VMSocketError) {
            var socket = try VMSocket.connect(to: path, until: .now + .seconds(5))
            try socket.write(VMAgentMessage(verb: "EXEC", id: id, argument: script).line)
            while let line = try socket.readLine() {
                guard let message = VMAgentMessage(line: line), message.id == id else { continue }
                switch message.verb {
                case "OUT": output(1, decoded(message.argument))
                case "ERR": output(2, decoded(message.argument))
                case "EXIT":
                    guard let code = message.argument.flatMap({ Int32($0) }) else { continue }
                    return code
                default: continue
                }
            }
            report("the VM agent closed the connection before the command ended")
        } catch {
            report("\(error)")
        }
        return 255
    }

    private static func decoded(_ text: String?) -> [UInt8] {
        guard let text, let data = Data(base64Encoded: text) else { return [] }
        return [UInt8](data)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if count > 0 {
                offset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
