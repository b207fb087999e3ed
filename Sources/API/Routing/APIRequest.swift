import Foundation
import HTTP
import Server

/// A routed request as handlers see it: the HTTP request, who sent it, the path parameters and the
/// parsed query.
public struct APIRequest: Sendable {
    public let http: HTTPRequest
    public let context: RequestContext
    /// Whether the caller is trusted (unix socket peers now; TLS clients in the trust store later).
    public let trusted: Bool
    /// Values of `{name}` segments in the matched path pattern, percent-decoded.
    public let parameters: [String: String]
    public let query: [(name: String, value: String)]

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
