/// A driver whose instances are up some time after their runtime started: a virtual machine's
/// guest boots after QEMU runs. A capability of its own; the instance operations ask with `as?`.
///
/// Implementation requirements: as for `InstanceDriver`.
public protocol InstanceBootDriver: InstanceDriver {
    /// For a running instance whose start was interrupted (the daemon stopped while it booted):
    /// waits until it is up as `start` would have, and like `start` stops it and throws when it
    /// does not come up in time. Returns at once when it is up already.
    func awaitStarted(name: String, log: @escaping DriverLog) async throws
}
