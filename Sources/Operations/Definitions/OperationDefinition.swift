/// An operation type: what LXD calls it (`description`), its class, and the steps its job runs.
public struct OperationDefinition: Sendable {
    public let type: String
    public let description: String
    public let operationClass: OperationClass
    public let steps: [Step]

    public init(type: String, description: String, operationClass: OperationClass = .task, steps: [Step]) {
        precondition(!steps.isEmpty, "an operation type needs at least one step")
        self.type = type
        self.description = description
        self.operationClass = operationClass
        self.steps = steps
    }
}
