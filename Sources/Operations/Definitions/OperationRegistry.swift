/// The operation types this daemon can run, by type name. Built once at start-up; the product
/// registers its real types, tests register their own.
public struct OperationRegistry: Sendable {
    private var definitions: [String: OperationDefinition] = [:]

    public init(_ definitions: [OperationDefinition] = []) {
        for definition in definitions { register(definition) }
    }

    public mutating func register(_ definition: OperationDefinition) {
        precondition(definitions[definition.type] == nil, "operation type \(definition.type) registered twice")
        definitions[definition.type] = definition
    }

    public subscript(type: String) -> OperationDefinition? { definitions[type] }
}
