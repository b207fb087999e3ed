import JSON

/// A request to create an operation.
public struct SubmitRequest: Sendable {
    public var type: String
    /// Jobs with the same key run strictly in submission order, one at a time (`instance/default/web1`).
    public var queueKey: String
    public var payload: JSONValue
    public var resources: [String: [String]]
    public var project: String
    public var requestor: Requestor?
    /// Overrides the type's description when set.
    public var description: String?
    /// `Idempotency-Key` and a hash of the request it came with.
    public var idempotency: (key: String, requestHash: String)?
    /// The operation's metadata from its creation on, in the `202` already (exec's `fds`).
    public var metadata: JSONValue = .object([])

    public init(
        type: String, queueKey: String, payload: JSONValue = .object([]), resources: [String: [String]] = [:],
        project: String = "default", requestor: Requestor? = nil, description: String? = nil,
        idempotency: (key: String, requestHash: String)? = nil
    ) {
        self.type = type
        self.queueKey = queueKey
        self.payload = payload
        self.resources = resources
        self.project = project
        self.requestor = requestor
        self.description = description
        self.idempotency = idempotency
    }
}
