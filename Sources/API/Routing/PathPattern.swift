/// A route path such as `/1.0/instances/{name}`: literal segments and `{parameter}` segments, each
/// parameter matching exactly one non-empty segment.
public struct PathPattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    public let description: String

    public init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }

    var isStatic: Bool { !segments.contains { if case .parameter = $0 { true } else { false } } }

    /// Matches percent-decoded path components; returns the parameters, or nil.
    func match(_ components: [String]) -> [String: String]? {
        guard components.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, component) in zip(segments, components) {
            switch segment {
            case .literal(let literal): guard literal == component else { return nil }
            case .parameter(let name):
                guard !component.isEmpty else { return nil }
                parameters[name] = component
            }
        }
        return parameters
    }
}
