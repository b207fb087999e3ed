import Log

/// `berthd [--state-dir DIR] [--listen HOST:PORT] [--log-level LEVEL] [--log-format FORMAT]`,
/// `berthd waitready [--state-dir DIR] [--timeout SECONDS]` and
/// `berthd backup [--state-dir DIR] --to FILE [--force]`, parsed by hand (no package dependencies).
struct CommandLineOptions: Equatable {
    enum Command: Equatable {
        case daemon
        case waitReady
        case backup
        case help
        case version
    }

    var command: Command = .daemon
    var stateDirectory: String
    var listen: [String] = []
    var logLevel: LogLevel = .info
    var logFormat: LogFormat = .logfmt
    var timeoutSeconds: Double = 0
    /// backup: the file to write.
    var backupDestination: String?
    /// backup: replace an existing file.
    var force = false

    static let usage = """
        usage: berthd [--state-dir DIR] [--listen HOST:PORT]... [--log-level debug|info|warn|error]
                      [--log-format logfmt|json]
               berthd waitready [--state-dir DIR] [--timeout SECONDS]
               berthd backup [--state-dir DIR] --to FILE [--force]
               berthd --help | --version

        --state-dir   where berth.db, unix.socket and the lock live (default /var/lib/berth as root,
                      $XDG_RUNTIME_DIR/berth otherwise)
        --listen      also serve the API over HTTPS on HOST:PORT, [IPV6]:PORT or :PORT (LXD's
                      core.https_address; repeatable); the certificate is server.crt in the state
                      directory, made on first start; clients without a trusted certificate are untrusted
        --log-level   debug logs every request (default info)
        --log-format  logfmt (default) or json: one JSON object per line (time, level, msg, fields)
        --timeout     waitready: give up after this many seconds (default: wait forever)
        --to          backup: write a consistent copy of berth.db to FILE, online (berthd may run)
        --force       backup: replace FILE if it exists
        """

    /// Parses `arguments` (without the program name). Errors are the message to print with the usage.
    static func parse(_ arguments: [String], defaultStateDirectory: String) throws(UsageError) -> CommandLineOptions {
        var options = CommandLineOptions(stateDirectory: defaultStateDirectory)
        var remaining = arguments[...]
        if let first = remaining.first, !first.hasPrefix("-") {
            switch first {
            case "waitready": options.command = .waitReady
            case "backup": options.command = .backup
            default: throw UsageError("unknown command \"\(first)\"")
            }
            remaining = remaining.dropFirst()
        }
        func value(for flag: String, inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            guard let next = remaining.first else { throw UsageError("\(flag) needs a value") }
            remaining = remaining.dropFirst()
            return next
        }
        while let argument = remaining.first {
            remaining = remaining.dropFirst()
            var flag = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            switch flag {
            case "--state-dir":
                options.stateDirectory = try value(for: flag, inline: inline)
                guard !options.stateDirectory.isEmpty else { throw UsageError("--state-dir must not be empty") }
            case "--listen" where options.command == .daemon:
                options.listen.append(try value(for: flag, inline: inline))
            case "--log-level" where options.command == .daemon:
                let name = try value(for: flag, inline: inline)
                guard let level = LogLevel(name: name) else {
                    throw UsageError("--log-level must be debug, info, warn or error, not \"\(name)\"")
                }
                options.logLevel = level
            case "--log-format" where options.command == .daemon:
                let name = try value(for: flag, inline: inline)
                guard let format = LogFormat(name: name) else {
                    throw UsageError("--log-format must be logfmt or json, not \"\(name)\"")
                }
                options.logFormat = format
            case "--to" where options.command == .backup:
                let path = try value(for: flag, inline: inline)
                guard !path.isEmpty else { throw UsageError("--to must not be empty") }
                options.backupDestination = path
            case "--force" where options.command == .backup && inline == nil:
                options.force = true
            case "--timeout" where options.command == .waitReady:
                let text = try value(for: flag, inline: inline)
                guard let seconds = Double(text), seconds >= 0 else {
                    throw UsageError("--timeout must be a number of seconds, not \"\(text)\"")
                }
                options.timeoutSeconds = seconds
            case "-h", "--help": options.command = .help
            case "--version": options.command = .version
            default: throw UsageError("unknown option \"\(argument)\"")
            }
        }
        if options.command == .backup && options.backupDestination == nil {
            throw UsageError("backup needs --to FILE")
        }
        return options
    }
}

/// A command-line mistake; printed with the usage, exit status 2.
struct UsageError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
