/// One named step of an operation type.
///
/// # Implementation requirements
/// - `idempotent`: running the step again after it was interrupted part-way is safe (and gives the
///   same result). Recovery after a crash re-runs an interrupted step only when this is true; a
///   non-idempotent step that was interrupted fails its operation instead of running twice.
/// - `cancellable`: the step stops promptly when its task is cancelled (it checks
///   `Task.isCancelled` or awaits cancellable calls) and leaves nothing half-done. `may_cancel` is
///   true exactly while a cancellable step runs.
/// - `deadlineMilliseconds`: the step fails its operation when it runs longer; nothing stays
///   Running forever.
public struct Step: Sendable {
    public let name: String
    public let idempotent: Bool
    public let cancellable: Bool
    public let deadlineMilliseconds: Int64
    public let run: @Sendable (StepContext) async throws -> Void

    public init(
        _ name: String, idempotent: Bool, cancellable: Bool, deadlineMilliseconds: Int64 = 600_000,
        run: @escaping @Sendable (StepContext) async throws -> Void
    ) {
        self.name = name
        self.idempotent = idempotent
        self.cancellable = cancellable
        self.deadlineMilliseconds = deadlineMilliseconds
        self.run = run
    }
}
