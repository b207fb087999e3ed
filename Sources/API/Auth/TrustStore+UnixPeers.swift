import Foundation

extension TrustStore {
    /// The supplementary groups of process `pid` (the `Groups:` line of its status), asked only for
    /// a unix peer whose uid and primary group are not trusted: a user added to the socket's group
    /// keeps their own primary group. Empty when the process is gone. Blocking, but a procfs read.
    static func supplementaryGroups(of pid: Int32) -> [UInt32] {
        guard pid > 0, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") })
        else { return [] }
        return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap {
            UInt32($0)
        }
    }
}
