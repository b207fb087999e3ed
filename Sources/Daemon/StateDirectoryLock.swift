import Foundation

/// An exclusive `flock` on `DIR/berthd.lock`, held for the daemon's life, so a second berthd on the
/// same state directory stops before it touches the database or the socket. The kernel drops the
/// lock when the process dies, even on `kill -9`, so a stale lock file never blocks a restart.
final class StateDirectoryLock {
    let path: String
    private let fd: Int32

    init(stateDirectory: String) throws(DaemonError) {
        let path = stateDirectory + "/berthd.lock"
        // The descriptor is stored only once the lock is held: a throwing initializer of a fully
        // initialized class still runs deinit, which would close it a second time.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DaemonError("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            let who = holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? ""
            throw DaemonError(
                "berthd is already running on state directory \(stateDirectory)\(who); lock \(path) is held")
        }
        self.path = path
        fd = descriptor
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        close(fd)
    }
}
