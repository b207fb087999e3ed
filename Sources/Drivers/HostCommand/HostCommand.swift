import Foundation

/// One program run on the host: an absolute path and its arguments, never a shell, so no value
/// (an instance name, a path) can be read as shell syntax.
///
/// `run` waits on a dedicated thread, not on Swift's cooperative pool, which has one thread per
/// core and must never block on a child process.
public struct HostCommand: Sendable, CustomStringConvertible {
    /// Absolute path of the program; there is no `PATH` lookup.
    public var executable: String
    public var arguments: [String]
    /// Written to the program's standard input, which is then closed.
    public var input: [UInt8]
    /// The whole environment of the program; `nil` passes on this process's environment.
    public var environment: [String: String]?
    /// After this the program (and its process group) is killed and `run` throws `timedOut`.
    public var timeout: Duration
    /// The program is killed when berthd dies (run under `setpriv --pdeathsig KILL`). For work that
    /// recovery redoes after a crash (copying, unpacking, removing trees): left running, an orphan
    /// would go on writing into the directory the re-run removes and creates again.
    public var diesWithBerthd: Bool
    /// Descriptors the program gets as its standard input and output instead of pipes (a file to
    /// read, a pipe another thread drains), for streams too large for `input` and the captured
    /// output. They are handed over: closed here once the program has them (or could not start),
    /// so a reader of `standardOutput`'s pipe sees end of file when the program ends.
    public var standardInput: Int32?
    public var standardOutput: Int32?

    public init(
        _ executable: String, _ arguments: [String] = [], input: [UInt8] = [], environment: [String: String]? = nil,
        timeout: Duration = .seconds(60), diesWithBerthd: Bool = false, standardInput: Int32? = nil,
        standardOutput: Int32? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.input = input
        self.environment = environment
        self.timeout = timeout
        self.diesWithBerthd = diesWithBerthd
        self.standardInput = standardInput
        self.standardOutput = standardOutput
    }

    /// The command line as a user reads it in an operation's log or error: the program's base
    /// name and the arguments, quoted where a shell would need it.
    public var description: String {
        let name = executable.split(separator: "/").last.map(String.init) ?? executable
        return ([name] + arguments.map(Self.quoted)).joined(separator: " ")
    }

    /// Runs the program and returns its output; a non-zero exit or a death by signal throws
    /// `HostCommandError.failed` with the trimmed standard error. `log` receives the command line
    /// before it runs, then its standard error line by line and, on failure, the exit status.
    @discardableResult
    public func run(log: @escaping DriverLog = { _ in }) async throws -> HostCommandOutput {
        let output = try await output(log: log)
        guard output.termination == .exited(0) else {
            log(output.termination.description)
            throw HostCommandError.failed(
                command: description, termination: output.termination, stderr: output.stderrText)
        }
        return output
    }

    /// Runs the program and returns its output whatever its exit status; throws only when it
    /// cannot be started or runs out of time.
    public func output(log: @escaping DriverLog = { _ in }) async throws -> HostCommandOutput {
        log("$ \(description)")
        let output = try await withCheckedThrowingContinuation { continuation in
            let command = self
            let thread = Thread { continuation.resume(with: Result { try command.spawnAndWait() }) }
            thread.name = "berth.host-command"
            thread.start()
        }
        for line in output.stderrText.split(separator: "\n", omittingEmptySubsequences: true) {
            log(String(line))
        }
        return output
    }

    private static func quoted(_ argument: String) -> String {
        let plain =
            !argument.isEmpty
            && argument.unicodeScalars.allSatisfy { scalar in
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-_./=:,+@%".unicodeScalars.contains(scalar)
            }
        if plain { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
