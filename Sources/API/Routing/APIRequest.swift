import Foundation
import HTTP
import Server

/// A routed request as handlers see it: the HTTP request, who sent it, the path parameters and the
/// parsed query.
public struct APIRequest: Sendable {
    public let http: HTTPRequest
    public let context: RequestContext
    /// Who the caller is, as `TrustStore.identify` decided before routing.
    public let identity: Identity
    /// Whether the caller is trusted (LXD's `auth: trusted`).
    public var trusted: Bool { identity.isTrusted }
    /// Values of `{name}` segments in the matched path pattern, percent-decoded.
    public let parameters: [String: String]
    public let query: [(name: String, value: String)]

    public init(
        http: HTTPRequest, context: RequestContext, identity: Identity, parameters: [String: String],
        query: [(name: String, value: String)]
    ) {
        self.http = http
        self.context = context
        self.identity = identity
        self.parameters = parameters
        self.query = query
    }

    /// A request from a local caller (`trusted`) or an untrusted one; for tests of handlers.
    public init(
        http: HTTPRequest, context: RequestContext, trusted: Bool, parameters: [String: String],
        query: [(name: String, value: String)]
    ) {
        self.init(
            http: http, context: context, identity: trusted ? .local(uid: 0) : .untrusted, parameters: parameters,
            query: query)
    }

    public var method: HTTPMethod { http.method }

    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// LXD's `project` parameter; empty or absent means `default`.
    public var project: String {
        guard let value = queryValue("project"), !value.isEmpty else { return "default" }
        return value
    }

    /// LXD's `recursion`: non-integers count as 0, as in LXD.
    public var recursion: Int { queryValue("recursion").flatMap { Int($0) } ?? 0 }

    /// Decodes the JSON body; malformed JSON is a 400 carrying the decoder's message.
    public func decodeBody<T: Decodable>(_ type: T.Type) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(http.body))
        } catch let error as DecodingError {
            throw APIError.badRequest(JSONBodyError.message(for: error))
        } catch {
            throw APIError.badRequest("Invalid JSON: \(error)")
        }
    }

    /// The `If-Match` precondition (RFC 9110 §13.1.1) against the resource's current ETag; LXD's text
    /// on mismatch. No header means no check.
    public func checkIfMatch(currentETag: String) throws(APIError) {
        guard let header = http.headers["If-Match"], !header.isEmpty else { return }
        let client = header.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        if client != currentETag && header != "*" {
            throw APIError(.preconditionFailed, "ETag doesn't match: \(currentETag) vs \(client)")
        }
    }
}
