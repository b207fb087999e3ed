import API
import Foundation
import Log

/// Entry point. No logic lives at top level (top-level closures inherit main-actor isolation and trap
/// when Dispatch runs them elsewhere: swift-foundations.md §4.5).
@main
enum Berthd {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        let defaultStateDirectory =
            getuid() == 0
            ? "/var/lib/berth" : (environment["XDG_RUNTIME_DIR"].map { $0 + "/berth" } ?? "/tmp/berth-\(getuid())")
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions.parse(
                Array(CommandLine.arguments.dropFirst()), defaultStateDirectory: defaultStateDirectory)
        } catch {
            printError("berthd: \(error.message)\n\n\(CommandLineOptions.usage)")
            exit(2)
        }
        switch options.command {
        case .help:
            print(CommandLineOptions.usage)
        case .version:
            print(API.BerthVersion.current)
        case .waitReady:
            let ready = await WaitReady.run(
                stateDirectory: options.stateDirectory, timeoutSeconds: options.timeoutSeconds)
            if !ready {
                printError("berthd waitready: no answer on \(options.stateDirectory)/unix.socket in time")
                exit(1)
            }
        case .daemon:
            let logger = Logger(level: options.logLevel)
            do {
                try await Daemon(options: options, logger: logger).run()
            } catch {
                logger.error("berthd failed to start", ["error": "\(error)"])
                printError("berthd: \(error)")
                exit(1)
            }
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
