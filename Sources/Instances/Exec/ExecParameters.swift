/// What `POST /1.0/instances/<n>/exec` asks for, after the API decoded it (LXD's `InstanceExecPost`).
public struct ExecParameters: Sendable, Equatable {
    public var command: [String]
    public var environment: [String: String]
    public var user: UInt32
    public var group: UInt32
    public var cwd: String
    public var interactive: Bool
    public var waitForWebsocket: Bool
    public var recordOutput: Bool
    public var width: Int
    public var height: Int

    public init(
        command: [String], environment: [String: String] = [:], user: UInt32 = 0, group: UInt32 = 0, cwd: String = "",
        interactive: Bool = false, waitForWebsocket: Bool = false, recordOutput: Bool = false, width: Int = 0,
        height: Int = 0
    ) {
        self.command = command
        self.environment = environment
        self.user = user
        self.group = group
        self.cwd = cwd
        self.interactive = interactive
        self.waitForWebsocket = waitForWebsocket
        self.recordOutput = recordOutput
        self.width = width
        self.height = height
    }

    /// LXD's defaults under what the client sent: `PATH` and `LANG` always, `HOME` and `USER` for root.
    public var effectiveEnvironment: [String: String] {
        var environment = self.environment
        if environment["PATH"] == nil {
            environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        }
        if environment["LANG"] == nil { environment["LANG"] = "C.UTF-8" }
        if user == 0 {
            if environment["HOME"] == nil { environment["HOME"] = "/root" }
            if environment["USER"] == nil { environment["USER"] = "root" }
        }
        return environment
    }
}
