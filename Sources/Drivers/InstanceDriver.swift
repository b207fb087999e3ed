/// Receives what a driver did on the host, line by line: each host command line and what the
/// command wrote to standard error. The instance operations write these lines to their log.
public typealias DriverLog = @Sendable (String) -> Void

/// Runs instances of one kind on this host. The instance operations call it; it knows nothing of
/// the database, projects or operations, only of names.
///
/// Implementation requirements:
/// - Every method may be called from any task and must not block Swift's cooperative pool:
///   host commands and file-system work run on threads of their own.
/// - Calls for one name are serialised by the caller; calls for different names may overlap.
/// - Lifecycle refusals throw `InstanceDriverError` cases (`alreadyRunning`, `alreadyStopped`, …)
///   whose descriptions are LXD's messages; a failed host command throws `HostCommandError`.
/// - Whatever fails half-way is undone: a failed `create` leaves nothing behind.
public protocol InstanceDriver: Sendable {
    /// Makes a stopped instance from `spec` on the unpacked root filesystem at `rootfs` (which is
    /// left untouched), or on an empty one when `rootfs` is nil (LXD's source `none`). Throws
    /// `alreadyExists` if the name is taken.
    func create(_ spec: InstanceSpec, rootfs: String?, log: @escaping DriverLog) async throws

    /// Makes a stopped instance from `spec` whose root filesystem is a copy of instance `source`'s.
    /// The source may be running: its files are copied as they are at that moment.
    func copy(from source: String, to spec: InstanceSpec, log: @escaping DriverLog) async throws

    /// Throws `invalidConfig` if `spec` could not be applied, without changing anything: the API
    /// checks a new config with this before it queues the change.
    func check(_ spec: InstanceSpec) async throws

    /// Gives an existing instance `spec`'s config: kept for its next start, and applied at once
    /// where the runtime can change a running instance (limits).
    func reconfigure(_ spec: InstanceSpec, log: @escaping DriverLog) async throws

    /// Starts a stopped instance and returns once it runs.
    func start(name: String, log: @escaping DriverLog) async throws

    /// Stops a running instance. A clean stop sends the halt signal and kills it if it is still
    /// running after `timeout`; `force` kills it at once.
    func stop(name: String, timeout: Duration, force: Bool, log: @escaping DriverLog) async throws

    /// Stops (as `stop` does) and starts a running instance. Drivers whose runtime has nothing
    /// better get the default below.
    func restart(name: String, timeout: Duration, force: Bool, log: @escaping DriverLog) async throws

    func freeze(name: String, log: @escaping DriverLog) async throws

    func unfreeze(name: String, log: @escaping DriverLog) async throws

    /// Status, init pid and resource counters. Throws `notFound` for an unknown name.
    func state(name: String) async throws -> InstanceRuntimeState

    /// Disk use and memory limit, measured now. Throws `notFound` for an unknown name.
    func measurements(name: String) async throws -> InstanceMeasurements

    /// Removes a stopped instance and every trace of it on the host. Deleting a name that does not
    /// exist succeeds, so a retried delete is harmless.
    func delete(name: String, log: @escaping DriverLog) async throws

    /// Renames a stopped instance.
    func rename(from: String, to: String, log: @escaping DriverLog) async throws

    /// The names of all instances the driver has, complete or not (a create the daemon did not
    /// finish), sorted; the daemon reconciles them with its database at start.
    func list() async throws -> [String]

    /// Whether anything of that name exists, even a half-made instance.
    func exists(name: String) async throws -> Bool
}

extension InstanceDriver {
    /// A restart as a stop and a start: what both the LXC and the QEMU runtimes come to.
    public func restart(name: String, timeout: Duration, force: Bool, log: @escaping DriverLog) async throws {
        try await stop(name: name, timeout: timeout, force: force, log: log)
        try await start(name: name, log: log)
    }
}
