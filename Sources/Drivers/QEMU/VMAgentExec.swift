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
            report("usage: vm-agent-exec AGENT_SOCKET BASE64_SCRIPT")
            return 255
        }
        let id = VMAgentMessage.newID()
        do throws(VMSocketError) {
            var socket = try VMSocket.connect(to: arguments[0], until: .now + .seconds(5))
            try socket.write(VMAgentMessage(verb: "EXEC", id: id, argument: arguments[1]).line)
            while let line = try socket.readLine() {
                guard let message = VMAgentMessage(line: line), message.id == id else { continue }
                switch message.verb {
                case "OUT": writeAll(1, decoded(message.argument))
                case "ERR": writeAll(2, decoded(message.argument))
                case "EXIT":
                    guard let code = message.argument.flatMap({ Int32($0) }) else { continue }
                    return code
                default: continue
                }
            }
            report("vm-agent-exec: the VM agent closed the connection before the command ended")
        } catch {
            report("vm-agent-exec: \(error)")
        }
        return 255
    }

    private static func decoded(_ text: String?) -> [UInt8] {
        guard let text, let data = Data(base64Encoded: text) else { return [] }
        return [UInt8](data)
    }

    private static func report(_ message: String) {
        writeAll(2, Array((message + "\n").utf8))
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
