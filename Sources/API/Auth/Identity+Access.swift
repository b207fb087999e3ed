import HTTP

extension Identity {
    /// Whether this caller may run an action with `access` using `method` in `project`. The one
    /// place authorization is decided; `APIResponder` asks it before any handler runs.
    public func permits(_ access: Access, method: HTTPMethod, project: String) -> Bool {
        // A read-only token never changes anything, whatever a route's rule says.
        if case .token(let token) = self, token.scope == .readOnly, method != .get, method != .head {
            return false
        }
        switch access {
        case .untrusted:
            return true
        case .authenticated:
            return isTrusted
        case .view, .operate:
            switch self {
            case .local: return true
            case .certificate(let certificate): return !certificate.restricted || certificate.projects.contains(project)
            case .token(let token): return access == .view || token.scope == .admin
            case .untrusted: return false
            }
        case .admin:
            return isAdmin
        case .local:
            if case .local = self { return true }
            return false
        }
    }

    /// LXD's `rbac.UserIsAdmin`: not restricted to projects or to reading.
    public var isAdmin: Bool {
        switch self {
        case .local: true
        case .certificate(let certificate): !certificate.restricted
        case .token(let token): token.scope == .admin
        case .untrusted: false
        }
    }
}
