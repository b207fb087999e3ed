import JSON
import Store

extension WriteTransaction {
    /// Writes a line of an operation's log and publishes it as a live `logging` event (LXD's shape:
    /// `{message, level, context}`, no project), so `lxc monitor` shows what operations do.
    func appendLog(_ line: OperationLogRow) throws {
        try connection.appendLog(line)
        guard events?.hasSubscribers(for: .logging) ?? false else { return }
        emit(
            EventDraft(
                type: .logging, project: nil,
                metadata: .object([
                    ("message", .string(line.message)),
                    ("level", .string(line.level)),
                    ("context", .object([("operation", .string(line.operationID))])),
                ]),
                stored: false))
    }
}
