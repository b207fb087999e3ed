#if canImport(Glibc)
    import Glibc
#endif

/// Why a host command did not succeed. The description is what a user reads in a failed
/// operation's `err`, so it names the command and ends with what the program said.
public enum HostCommandError: Error, Equatable, CustomStringConvertible {
    /// The program ran and ended with a non-zero status or by a signal; `stderr` is trimmed.
    case failed(command: String, termination: HostCommandOutput.Termination, stderr: String)
    /// The program did not finish in time and was killed.
    case timedOut(command: String, after: Duration)
    /// The program could not be started (missing, not executable, out of processes), with errno.
    case launchFailed(command: String, errno: Int32)

    /// How many of the last standard-error lines an error message keeps: tools such as lxc-start
    /// put the cause last, after lines of context.
    static let stderrLinesKept = 6

    public var description: String {
        switch self {
        case .failed(let command, let termination, let stderr):
            let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true).suffix(Self.stderrLinesKept)
            let said = lines.map { HostCommandError.trimmed(String($0)) }.joined(separator: "\n")
            return said.isEmpty ? "\(command) failed (\(termination))" : "\(command) failed (\(termination)): \(said)"
        case .timedOut(let command, let after):
            return "\(command) did not finish within \(after) and was killed"
        case .launchFailed(let command, let errno):
            return "cannot run \(command): \(String(cString: strerror(errno)))"
        }
    }

    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
