/// An operation type: what LXD calls it (`description`), its class, and the steps its job runs.
public struct OperationDefinition: Sendable {
    public let type: String
    public let description: String
    public let operationClass: OperationClass
    public let steps: [Step]

    /// Whether a running job of this type takes one of the `workers` slots. Websocket operations
    /// (exec, console) wait on a person for as long as a session lasts; if they took slots, a few
    /// open shells would stall every other change in the daemon. Token operations (trust tokens)
    /// wait for a redemption just as long.
    public var occupiesWorker: Bool { operationClass == .task }

    public init(type: String, description: String, operationClass: OperationClass = .task, steps: [Step]) {
        precondition(!steps.isEmpty, "an operation type needs at least one step")
        self.type = type
        self.description = description
        self.operationClass = operationClass
        self.steps = steps
    }
}
