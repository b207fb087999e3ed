/// What a finished host command left: how it ended, its output, and how long it ran.
public struct HostCommandOutput: Sendable, Equatable {
    /// How a program ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        /// As a shell reports it (`$?`): the exit status, or 128 + the signal.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let status): "exit \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    public var termination: Termination
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var duration: Duration

    public init(termination: Termination, stdout: [UInt8], stderr: [UInt8], duration: Duration) {
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
    }

    /// Standard output as text (invalid UTF-8 repaired).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Standard error as text, without surrounding blank lines and spaces.
    public var stderrText: String { HostCommandError.trimmed(String(decoding: stderr, as: UTF8.self)) }
}
