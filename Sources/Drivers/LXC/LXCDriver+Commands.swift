import Foundation
import Log

extension LXCDriver {
    /// Runs an `lxc-*` tool on one container of this lxcpath.
    @discardableResult
    func lxc(
        _ tool: String, _ name: String, _ arguments: [String] = [], timeout: Duration = .seconds(60),
        log: @escaping DriverLog
    ) async throws -> HostCommandOutput {
        try Self.validate(name: name)
        let command = HostCommand(
            "\(toolsDirectory)/\(tool)", ["-n", name, "-P", lxcPath] + arguments, timeout: timeout)
        let output = try await command.run(log: log)
        logger.debug("host command", ["command": command.description, "duration": "\(output.duration)"])
        return output
    }

    /// A line of an `lxc-*` tool without its `TOOL: NAME: FILE.c: FUNCTION: LINE ` prefix, which
    /// points into LXC's sources; other lines as they are.
    static func toolMessage(_ line: Substring) -> String {
        let parts = line.components(separatedBy: ": ")
        guard parts.count >= 5, parts[2].hasSuffix(".c") else { return String(line) }
        let message = parts[4...].joined(separator: ": ")
        return String(message.drop { $0.isNumber }.drop { $0 == " " })
    }

    /// The ERROR lines of a container's lxc.log (the log of its last start), without their
    /// prefix (`lxc-start NAME TIME ERROR category - file:function:line - `).
    func startFailureReasons(logFile: String) async -> [String] {
        let text = (try? await OffPool.run { try String(contentsOfFile: logFile, encoding: .utf8) }) ?? ""
        var reasons: [String] = []
        for line in text.split(separator: "\n") where line.contains(" ERROR ") {
            let parts = line.components(separatedBy: " - ")
            let reason = parts.count >= 3 ? parts[2...].joined(separator: " - ") : String(line)
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return Array(reasons.suffix(4))
    }
}
