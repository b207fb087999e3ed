/// Fields that every log line written in a scope carries, without handing a logger down the call
/// chain: the API responder binds `request_id` while it handles a request, the operation queue binds
/// `operation` while a job's steps run, and any `Logger` used inside adds them.
///
/// It is a task-local value, so it follows the work into child tasks and `Task {}` started inside
/// the scope, and is gone outside it. Work that outlives the scope (a deferred reply, a stream) must
/// be bound again where it runs.
public struct LogContext: Sendable, Equatable {
    /// The context of the current task (empty outside any scope).
    @TaskLocal public static var current = LogContext()

    /// The fields in the order they were bound; a key appears once.
    public private(set) var fields: [LogField]

    public init(_ fields: [LogField] = []) {
        self.fields = []
        for field in fields { self = adding(field.key, field.value) }
    }

    public var isEmpty: Bool { fields.isEmpty }

    /// This context with `key` set to `value`: replaced in place when bound already, appended otherwise.
    public func adding(_ key: String, _ value: String) -> LogContext {
        var copy = self
        if let index = copy.fields.firstIndex(where: { $0.key == key }) {
            copy.fields[index].value = value
        } else {
            copy.fields.append(LogField(key: key, value: value))
        }
        return copy
    }
}
