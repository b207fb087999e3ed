/// A driver that can keep point-in-time copies of an instance's root filesystem (LXD's
/// snapshots). A capability of its own, so that drivers without snapshots still satisfy
/// `InstanceDriver`; the instance operations ask for it with `as?`.
///
/// Implementation requirements:
/// - Calls for one instance are serialised by the caller, as for `InstanceDriver`.
/// - A snapshot exists under its name only once it is complete: a crash at any point leaves either
///   no snapshot of that name or a whole one, never a part.
/// - `snapshots(of:)` lists complete snapshots only; whatever a crash left is removed by the next
///   call that changes the instance's snapshots.
/// - Deleting an instance deletes its snapshots; renaming it keeps them.
public protocol InstanceSnapshotDriver: InstanceDriver {
    /// Copies the instance's root filesystem as snapshot `snapshot`. A running instance is frozen
    /// only while its files are copied. Throws `alreadyExists` if the name is taken.
    /// `progress` gets (bytes copied, bytes in all) while a long copy runs.
    func createSnapshot(
        of instance: String, named snapshot: String, log: @escaping DriverLog,
        progress: @escaping @Sendable (_ copied: Int64, _ total: Int64) -> Void
    ) async throws

    /// Gives a stopped instance the root filesystem of its snapshot. Throws `instanceRunning` if it
    /// is not stopped, `notFound` if the snapshot does not exist.
    func restoreSnapshot(of instance: String, named snapshot: String, log: @escaping DriverLog) async throws

    /// Removes a snapshot; removing one that does not exist succeeds, so a retried delete is harmless.
    func deleteSnapshot(of instance: String, named snapshot: String, log: @escaping DriverLog) async throws

    /// Renames a snapshot. Throws `alreadyExists` if `to` is taken, `notFound` if `from` is missing.
    func renameSnapshot(of instance: String, from: String, to: String, log: @escaping DriverLog) async throws

    /// Makes a stopped instance from `spec` whose root filesystem is a copy of the snapshot's.
    func copy(fromSnapshot snapshot: String, of instance: String, to spec: InstanceSpec, log: @escaping DriverLog)
        async throws

    /// The names of the instance's complete snapshots, sorted.
    func snapshots(of instance: String) async throws -> [String]
}
