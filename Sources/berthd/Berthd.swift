import Daemon
import Foundation

/// Entry point. No logic lives at top level (top-level closures inherit main-actor isolation and trap
/// when Dispatch runs them elsewhere: swift-foundations.md §4.5).
@main
enum Berthd {
    static func main() async {
        exit(await BerthDaemon.main(arguments: Array(CommandLine.arguments.dropFirst())))
    }
}
