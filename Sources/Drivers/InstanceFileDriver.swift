/// A driver that gives access to the files inside an instance (LXD's `/files`) and to the log
/// files it keeps for it (`/logs`, the console log). A capability of its own, so that drivers
/// without it still satisfy `InstanceDriver`; the API asks for it with `as?`.
///
/// Implementation requirements:
/// - `openRootfs` works for running, frozen and stopped instances and returns a root that no path
///   resolved through it can leave: `..`, absolute symlinks and symlinks swapped during a request
///   all stay inside, and nothing outside the instance's own root filesystem (host files, mounts
///   inside the instance such as /proc) is reached.
/// - Whatever `openRootfs` sets up for a stopped instance is released with the returned value and
///   leaves nothing behind on the host if berthd dies meanwhile.
/// - Log file names are LXD's (`lxc.log`, `lxc.conf`, `console.log`, `exec_*`, …); the API checks
///   them before it asks, the driver maps them to its files.
public protocol InstanceFileDriver: InstanceDriver {
    /// The instance's root filesystem as its processes see it, with its id map. Throws `notFound`
    /// for an unknown name.
    func openRootfs(of name: String) async throws -> InstanceRootfs

    /// The names of the instance's log files that exist, sorted.
    func logFiles(of name: String) async throws -> [String]

    /// The host path of log file `file` of the instance, which may not exist.
    func logPath(of name: String, file: String) throws -> String
}
