import Foundation
import HTTP
import Images
import JSON
import Operations
import Server
import Store

/// `/1.0/auth/tokens`: Berth's API tokens (Proxmox's API tokens): a name, a scope (`read-only` or
/// `admin`) and an optional expiry, presented as `Authorization: Bearer berth_<id>_<secret>` over
/// HTTPS. Managed from the unix socket only; the secret is returned once, at creation, and stored
/// as a hash.
enum AuthTokensEndpoints {
    struct PostBody: Decodable {
        var name: String?
        var scope: String?
        var expiresAt: String?

        enum CodingKeys: String, CodingKey {
            case name, scope
            case expiresAt = "expires_at"
        }
    }

    static func endpoints(_ context: APIContext) -> [Endpoint] {
        [
            Endpoint(
                "/1.0/auth/tokens",
                get: .deferred(.local) { request in
                    let rows = try context.database.read { try $0.apiTokens() }
                    if request.recursion > 0 { return .sync(.array(rows.map { json($0) })) }
                    return .sync(.strings(rows.map { url($0.id) }))
                },
                post: .deferred(.local) { request in try create(request, context: context) }),
            Endpoint(
                "/1.0/auth/tokens/{id}",
                get: .deferred(.local) { request in .sync(json(try find(request, context: context))) },
                delete: .deferred(.local) { request in
                    let row = try find(request, context: context)
                    try context.database.write { try $0.deleteAPIToken(id: row.id) }
                    try context.trust.reload()
                    return .empty
                }),
        ]
    }

    static func create(_ request: APIRequest, context: APIContext) throws -> APIResponse {
        let body = try request.decodeBody(PostBody.self)
        let name = body.name ?? ""
        guard !name.isEmpty, name.utf8.count <= 255 else {
            throw APIError.badRequest("A token needs a name of 1 to 255 bytes")
        }
        guard let scope = APITokenScope(rawValue: body.scope ?? "") else {
            throw APIError.badRequest("Invalid scope \"\(body.scope ?? "")\": expected read-only or admin")
        }
        let now = Timestamp.now()
        var expiresAt: Int64?
        if let text = body.expiresAt, !text.isEmpty {
            guard let time = Timestamp(rfc3339: text) else {
                throw APIError.badRequest("Invalid expires_at \"\(text)\": expected an RFC 3339 time")
            }
            guard time > now else { throw APIError.badRequest("expires_at is in the past") }
            expiresAt = time.nanoseconds
        }
        let secret = APITokenSecret.make()
        let row = APITokenRow(
            id: secret.id, name: name, scope: scope.rawValue, secretHash: secret.secretHash,
            createdAt: now.nanoseconds, expiresAt: expiresAt)
        try context.database.write { try $0.insertAPIToken(row) }
        try context.trust.reload()
        var shown = json(row)
        shown.set("token", .string(secret.token))
        return .sync(shown, status: .created, location: url(row.id))
    }

    static func find(_ request: APIRequest, context: APIContext) throws -> APITokenRow {
        let id = request.parameters["id"] ?? ""
        guard let row = try context.database.read({ try $0.apiToken(id: id) }) else {
            throw APIError(.notFound, "API token not found")
        }
        return row
    }

    static func json(_ row: APITokenRow) -> JSONValue {
        .object([
            ("id", .string(row.id)),
            ("name", .string(row.name)),
            ("scope", .string(row.scope)),
            ("created_at", .string(Timestamp(nanoseconds: row.createdAt).description)),
            ("expires_at", .string(row.expiresAt.map { Timestamp(nanoseconds: $0).description } ?? "")),
        ])
    }

    static func url(_ id: String) -> String { "/1.0/auth/tokens/\(id)" }
}
