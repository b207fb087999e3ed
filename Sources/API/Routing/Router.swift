import HTTP

/// Finds the endpoint for a path. Static paths (the hot ones: `/1.0`) are one dictionary lookup;
/// patterns are tried in declaration order.
public struct Router: Sendable {
    /// The outcome of a lookup: an action with its parameters, or why there is none.
    public enum Match: Sendable {
        case action(Action, parameters: [String: String])
        /// The path exists but not with this method: LXD answers 501.
        case methodNotAllowed
        case notFound
    }

    private var staticEndpoints: [String: Endpoint] = [:]
    private var patternEndpoints: [Endpoint] = []

    public init(_ endpoints: [Endpoint]) {
        for endpoint in endpoints {
            if endpoint.path.isStatic {
                staticEndpoints[
                    Router.key(
                        endpoint.path.segments.map { segment in
                            if case .literal(let text) = segment { return text }
                            return ""
                        })] = endpoint
            } else if let index = patternEndpoints.firstIndex(where: { $0.path.description == "\(endpoint.path)" }) {
                // Two tables may serve methods of one path (the console log's GET and DELETE, the
                // console's POST): they become one endpoint, so neither answers 501 for the other.
                patternEndpoints[index].actions.merge(endpoint.actions) { first, _ in first }
            } else {
                patternEndpoints.append(endpoint)
            }
        }
    }

    public func match(method: HTTPMethod, components: [String]) -> Match {
        locate(method: method, components: components).match
    }

    /// The match and the pattern of the path that matched (`/1.0/instances/{name}`; nil when none
    /// did): what request metrics are labelled by, never the raw path.
    public func locate(method: HTTPMethod, components: [String]) -> (match: Match, route: String?) {
        if let endpoint = staticEndpoints[Router.key(components)] {
            return (Router.select(endpoint, method: method, parameters: [:]), endpoint.path.description)
        }
        for endpoint in patternEndpoints {
            if let parameters = endpoint.path.match(components) {
                return (Router.select(endpoint, method: method, parameters: parameters), endpoint.path.description)
            }
        }
        return (.notFound, nil)
    }

    /// Every path and method served, with its access rule, in declaration order (static paths
    /// first): what the authorization matrix test walks, so a new route is checked the day it lands.
    public var routes: [(path: String, method: HTTPMethod, access: Access)] {
        let endpoints = staticEndpoints.values.sorted { "\($0.path)" < "\($1.path)" } + patternEndpoints
        return endpoints.flatMap { endpoint in
            endpoint.actions.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                (path: "\(endpoint.path)", method: $0.key, access: $0.value.access)
            }
        }
    }

    private static func select(_ endpoint: Endpoint, method: HTTPMethod, parameters: [String: String]) -> Match {
        let wanted = method == .head ? HTTPMethod.get : method
        guard let action = endpoint.actions[wanted] else { return .methodNotAllowed }
        return .action(action, parameters: parameters)
    }

    private static func key(_ components: [String]) -> String { "/" + components.joined(separator: "/") }
}
