/// The shell script the guest agent runs for an exec request: into the working directory, the
/// request's environment exported, then `exec` of the command, every word single-quoted so that
/// no value is ever read as shell syntax. The agent has no notion of users, so the command runs
/// as the agent's user (root).
enum VMAgentScript {
    static func make(for request: ExecRequest) -> String {
        var lines: [String] = []
        let directory = request.cwd.isEmpty ? request.environment["HOME"] ?? "/" : request.cwd
        lines.append("cd \(quoted(directory)) || exit 1")
        for (key, value) in request.environment.sorted(by: { $0.key < $1.key }) where isVariableName(key) {
            lines.append("export \(key)=\(quoted(value))")
        }
        lines.append("exec " + request.command.map(quoted).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `'…'`, each `'` inside written as `'\''`.
    static func quoted(_ word: String) -> String {
        "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
    }

    /// A name `export` takes: `[A-Za-z_][A-Za-z0-9_]*`; anything else could not be a variable.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}
