#if canImport(Glibc)
    import Glibc
#endif

/// A pipe whose ends are close-on-exec from birth.
///
/// Set afterwards with fcntl, a child that another thread spawns in between inherits the ends — and
/// a reader then never sees end of file while that child lives. Every pipe Berth hands to or reads
/// from a child is made here.
public enum ClosingPipe {
    /// The read and write ends; nil with `errno` set when the system refuses.
    public static func make() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        let result: Int32
        if let pipe2 = LinuxSymbols.pipe2 {
            result = pipe2(&fds, O_CLOEXEC)
        } else {
            // Only where libc has no pipe2 (it always has on the supported hosts).
            result = pipe(&fds)
            if result == 0 {
                _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            }
        }
        return result == 0 ? (fds[0], fds[1]) : nil
    }
}
