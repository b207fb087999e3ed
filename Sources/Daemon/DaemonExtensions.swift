import API
import Operations

/// What a program built on the daemon adds to it. `berthd` adds nothing; the test daemon in
/// `Tests/TestDaemon` adds operation types and endpoints of its own, so the product carries no test
/// doubles while tests still run the real wiring in a real process.
public struct DaemonExtensions: Sendable {
    public var name: String
    public var operationTypes: [OperationDefinition]
    public var endpoints: @Sendable (APIContext) -> [Endpoint]

    public init(
        name: String, operationTypes: [OperationDefinition] = [],
        endpoints: @escaping @Sendable (APIContext) -> [Endpoint] = { _ in [] }
    ) {
        self.name = name
        self.operationTypes = operationTypes
        self.endpoints = endpoints
    }

    public static let none = DaemonExtensions(name: "berthd")
}
