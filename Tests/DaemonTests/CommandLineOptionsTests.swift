import Log
import Testing

@testable import Daemon

@Suite struct CommandLineOptionsTests {
    @Test func defaultsToTheDaemonWithTheGivenStateDirectory() throws {
        let options = try CommandLineOptions.parse([], defaultStateDirectory: "/var/lib/berth")
        #expect(options == CommandLineOptions(command: .daemon, stateDirectory: "/var/lib/berth"))
    }

    @Test func parsesEveryDaemonFlagInBothSpellings() throws {
        let options = try CommandLineOptions.parse(
            ["--state-dir", "/tmp/s", "--listen=127.0.0.1:8443", "--listen", "[::1]:9", "--log-level", "debug"],
            defaultStateDirectory: "/x")
        #expect(options.stateDirectory == "/tmp/s")
        #expect(options.listen == ["127.0.0.1:8443", "[::1]:9"])
        #expect(options.logLevel == .debug)
    }

    @Test func parsesWaitReady() throws {
        let options = try CommandLineOptions.parse(
            ["waitready", "--state-dir", "/tmp/s", "--timeout", "2.5"], defaultStateDirectory: "/x")
        #expect(options.command == .waitReady)
        #expect(options.timeoutSeconds == 2.5)
    }

    @Test func parsesTheLogFormat() throws {
        #expect(try CommandLineOptions.parse([], defaultStateDirectory: "/x").logFormat == .logfmt)
        #expect(try CommandLineOptions.parse(["--log-format", "json"], defaultStateDirectory: "/x").logFormat == .json)
        #expect(try CommandLineOptions.parse(["--log-format=logfmt"], defaultStateDirectory: "/x").logFormat == .logfmt)
    }

    @Test func parsesBackup() throws {
        let options = try CommandLineOptions.parse(
            ["backup", "--state-dir", "/var/lib/berth", "--to=/srv/berth.db"], defaultStateDirectory: "/x")
        #expect(options.command == .backup)
        #expect(options.stateDirectory == "/var/lib/berth")
        #expect(options.backupDestination == "/srv/berth.db")
        #expect(!options.force)
        let forced = try CommandLineOptions.parse(["backup", "--force", "--to", "b.db"], defaultStateDirectory: "/x")
        #expect(forced.force)
        #expect(forced.stateDirectory == "/x")
    }

    @Test(arguments: [
        (["--log-format", "text"], "--log-format must be logfmt or json, not \"text\""),
        (["backup"], "backup needs --to FILE"),
        (["backup", "--to", ""], "--to must not be empty"),
        (["backup", "--to", "f", "--force=yes"], "unknown option \"--force=yes\""),
        (["backup", "--to", "f", "--log-format", "json"], "unknown option \"--log-format\""),
        (["--to", "f"], "unknown option \"--to\""),
        (["waitready", "--force"], "unknown option \"--force\""),
        (["--log-level", "loud"], "--log-level must be debug, info, warn or error, not \"loud\""),
        (["--state-dir"], "--state-dir needs a value"),
        (["--bogus"], "unknown option \"--bogus\""),
        (["serve"], "unknown command \"serve\""),
        (["waitready", "--timeout", "-1"], "--timeout must be a number of seconds, not \"-1\""),
        (["waitready", "--listen", "1.2.3.4:5"], "unknown option \"--listen\""),
    ])
    func rejectsMistakesWithAClearMessage(arguments: [String], message: String) {
        #expect(throws: UsageError(message)) {
            try CommandLineOptions.parse(arguments, defaultStateDirectory: "/x")
        }
    }
}
