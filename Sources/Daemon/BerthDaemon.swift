import API
import Foundation
import Log

/// The command line of `berthd` (and of the test daemon): parses the options and runs the daemon,
/// `waitready` or `backup`. Returns the process exit status.
public enum BerthDaemon {
    public static func main(arguments: [String], extensions: DaemonExtensions = .none) async -> Int32 {
        if let first = arguments.first, let helper = HostHelper(rawValue: first) {
            return helper.run(Array(arguments.dropFirst()))
        }
        let environment = ProcessInfo.processInfo.environment
        let defaultStateDirectory =
            getuid() == 0
            ? "/var/lib/berth" : (environment["XDG_RUNTIME_DIR"].map { $0 + "/berth" } ?? "/tmp/berth-\(getuid())")
        let name = extensions.name
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions.parse(arguments, defaultStateDirectory: defaultStateDirectory)
        } catch {
            printError("\(name): \(error.message)\n\n\(CommandLineOptions.usage)")
            return 2
        }
        switch options.command {
        case .help:
            print(CommandLineOptions.usage)
        case .version:
            print(BerthVersion.current)
        case .waitReady:
            let ready = await WaitReady.run(
                stateDirectory: options.stateDirectory, timeoutSeconds: options.timeoutSeconds)
            if !ready {
                printError("\(name) waitready: no answer on \(options.stateDirectory)/unix.socket in time")
                return 1
            }
        case .backup:
            do {
                let summary = try BackupCommand.run(
                    stateDirectory: options.stateDirectory, destination: options.backupDestination ?? "",
                    force: options.force)
                print(
                    "backed up \(summary.source) (schema version \(summary.schemaVersion)) to "
                        + "\(summary.destination) (\(summary.bytes) bytes)")
            } catch {
                printError("\(name) backup: \(error)")
                return 1
            }
        case .daemon:
            let logger = Logger(level: options.logLevel, format: options.logFormat)
            do {
                try await Daemon(options: options, logger: logger, extensions: extensions).run()
            } catch {
                logger.error("\(name) failed to start", ["error": "\(error)"])
                printError("\(name): \(error)")
                return 1
            }
        }
        return 0
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
