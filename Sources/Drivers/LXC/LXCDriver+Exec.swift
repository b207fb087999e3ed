extension LXCDriver: InstanceExecDriver {
    /// `lxc-attach` with a clean environment of exactly the request's variables. It takes its
    /// working directory inside the container from its own on the host, so the default (`HOME`)
    /// costs nothing extra where the host has that directory too, and falls back to `/`; an
    /// explicit `cwd` goes through `sh`, which fails clearly when the directory is missing.
    public func exec(_ request: ExecRequest, output: @escaping ExecProcess.OutputSink) throws -> ExecProcess {
        try Self.validate(name: request.instance)
        var arguments = ["-n", request.instance, "-P", lxcPath, "--clear-env"]
        for (key, value) in request.environment.sorted(by: { $0.key < $1.key }) {
            arguments += ["--set-var", "\(key)=\(value)"]
        }
        if request.user != 0 { arguments += ["--uid", String(request.user)] }
        if request.group != 0 { arguments += ["--gid", String(request.group)] }
        arguments.append("--")
        var directory = request.environment["HOME"] ?? "/"
        if request.cwd.isEmpty {
            arguments += request.command
        } else {
            directory = "/"
            arguments += ["/bin/sh", "-c", #"cd -- "$0" || exit 1; exec "$@""#, request.cwd] + request.command
        }
        return try ExecProcess.start(
            program: "\(toolsDirectory)/lxc-attach", arguments: arguments, environment: Self.helperEnvironment,
            directory: directory, terminal: request.terminal, output: output)
    }

    /// A running container can always run commands: `lxc-attach` needs nothing inside it.
    public func checkExec(name: String, user: UInt32, group: UInt32) async throws {}

    /// `lxc-console` on the container's console (tty 0), with its escape moved off Ctrl-a, which
    /// the `lxc` client already uses to detach (Ctrl-a q) before anything reaches us.
    public func console(name: String, size: TerminalSize, output: @escaping ExecProcess.OutputSink) throws
        -> ExecProcess
    {
        try Self.validate(name: name)
        return try ExecProcess.start(
            program: "\(toolsDirectory)/lxc-console", arguments: ["-n", name, "-P", lxcPath, "-t", "0", "-e", "^"],
            environment: Self.helperEnvironment, directory: "/", terminal: size, output: output)
    }

    private static let helperEnvironment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "xterm"]
}
