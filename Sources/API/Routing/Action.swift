/// One method of an endpoint: its handler and who may call it.
public struct Action: Sendable {
    /// How the handler runs. `immediate` handlers run on the event-loop thread and must only read
    /// memory (caches); anything that may wait is `deferred`.
    public enum Handler: Sendable {
        case immediate(@Sendable (APIRequest) throws -> APIResponse)
        case deferred(@Sendable (APIRequest) async throws -> APIResponse)
    }

    public let handler: Handler
    public let access: Access

    /// `access` has no default on purpose: the route table states who may call every action.
    public static func immediate(
        _ access: Access, _ body: @escaping @Sendable (APIRequest) throws -> APIResponse
    ) -> Action {
        Action(handler: .immediate(body), access: access)
    }

    public static func deferred(
        _ access: Access, _ body: @escaping @Sendable (APIRequest) async throws -> APIResponse
    ) -> Action {
        Action(handler: .deferred(body), access: access)
    }
}
