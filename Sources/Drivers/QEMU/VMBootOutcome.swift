/// How the wait for a guest's ready line ended.
enum VMBootOutcome: Equatable {
    /// The guest printed it; the whole line.
    case ready(String)
    /// QEMU is gone.
    case exited
    case timedOut
    case cancelled
}
