/// One line of an operation's log (like a Proxmox task log line).
public struct OperationLogRow: Sendable, Equatable {
    public var id: Int64
    public var operationID: String
    public var time: Int64
    public var level: String
    public var message: String

    public init(id: Int64 = 0, operationID: String, time: Int64, level: String, message: String) {
        self.id = id
        self.operationID = operationID
        self.time = time
        self.level = level
        self.message = message
    }
}
