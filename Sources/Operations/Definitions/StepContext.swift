import JSON

/// What a running step can see and do: its input, its attempt, and reporting (progress, metadata,
/// log lines), which reach events at once and the database coalesced.
public struct StepContext: Sendable {
    public let operationID: String
    public let stepName: String
    /// 1 on the first run; higher when recovery re-ran an idempotent step.
    public let attempt: Int
    /// The request's input for this operation type.
    public let payload: JSONValue
    let reporter: any StepReporter

    init(operationID: String, stepName: String, attempt: Int, payload: JSONValue, reporter: any StepReporter) {
        self.operationID = operationID
        self.stepName = stepName
        self.attempt = attempt
        self.payload = payload
        self.reporter = reporter
    }

    public func progress(_ progress: Progress) async { await reporter.progress(operationID, progress) }

    /// Sets one key of the operation's metadata (e.g. `return` for exec, `fingerprint` for images).
    public func setMetadata(_ key: String, _ value: JSONValue?) async {
        await reporter.setMetadata(operationID, key, value)
    }

    /// Adds a line to the operation's log (`GET /1.0/operations/<id>/log`), stamped `time` when it
    /// is written later than it happened (lines a driver reported during a call).
    public func log(_ message: String, level: String = "info", at time: Timestamp? = nil) async {
        await reporter.log(operationID, level: level, message, at: time ?? .now())
    }
}

/// The manager's side of `StepContext`, kept behind a protocol so steps see only reporting.
protocol StepReporter: Sendable {
    func progress(_ operationID: String, _ progress: Progress) async
    func setMetadata(_ operationID: String, _ key: String, _ value: JSONValue?) async
    func log(_ operationID: String, level: String, _ message: String, at time: Timestamp) async
}
