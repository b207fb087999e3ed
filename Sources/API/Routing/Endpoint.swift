import HTTP

/// A path and its actions, declared as a table (LXD's `APIEndpoint{Path, Get, Put, Post, Delete, Patch}`).
public struct Endpoint: Sendable {
    public let path: PathPattern
    public var actions: [HTTPMethod: Action]

    public init(
        _ path: String, get: Action? = nil, put: Action? = nil, post: Action? = nil, patch: Action? = nil,
        delete: Action? = nil
    ) {
        self.path = PathPattern(path)
        var actions: [HTTPMethod: Action] = [:]
        actions[.get] = get
        actions[.put] = put
        actions[.post] = post
        actions[.patch] = patch
        actions[.delete] = delete
        self.actions = actions
    }
}
