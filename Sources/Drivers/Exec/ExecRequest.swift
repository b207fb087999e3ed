/// A command to run inside an instance, as LXD's `POST /1.0/instances/<n>/exec` describes it.
public struct ExecRequest: Sendable, Equatable {
    public var instance: String
    public var command: [String]
    /// The whole environment of the command; nothing of the daemon's leaks in.
    public var environment: [String: String]
    public var user: UInt32
    public var group: UInt32
    /// Where the command starts; empty means the user's home as `HOME` says, else `/`.
    public var cwd: String
    /// A pseudo-terminal of this size instead of pipes (LXD's `interactive`).
    public var terminal: TerminalSize?

    public init(
        instance: String, command: [String], environment: [String: String] = [:], user: UInt32 = 0, group: UInt32 = 0,
        cwd: String = "", terminal: TerminalSize? = nil
    ) {
        self.instance = instance
        self.command = command
        self.environment = environment
        self.user = user
        self.group = group
        self.cwd = cwd
        self.terminal = terminal
    }
}
