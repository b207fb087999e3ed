import HTTP
import Images
import JSON
import Operations
import Store

/// `/1.0/images/aliases` (LXD's `lxd/images.go` alias handlers): create, list, get, update, rename,
/// delete. Aliases change synchronously, as in LXD.
enum ImageAliasesEndpoints {
    struct AliasPost: Decodable {
        var name: String
        var description: String?
        var target: String
        var type: String?
    }

    static func endpoints(_ context: APIContext, store: ImageStore, lifecycle: LifecycleEmitter) -> [Endpoint] {
        [
            Endpoint(
                "/1.0/images/aliases",
                get: .deferred(.view) { request in
                    let aliases = try context.database.read { try $0.imageAliases() }
                    if request.recursion >= 1 { return .sync(.array(aliases.map(ImageJSON.alias))) }
                    return .sync(.array(aliases.map { .string("/1.0/images/aliases/\($0.name)") }))
                },
                post: .deferred(.operate) { request in
                    let post = try request.decodeBody(AliasPost.self)
                    guard !post.name.isEmpty else { throw APIError.badRequest("Alias name missing") }
                    guard !post.name.contains("/") else {
                        throw APIError.badRequest("Alias names may not contain slashes")
                    }
                    let image = try store.image(prefix: post.target)
                    let alias = ImageAliasRow(
                        name: post.name, fingerprint: image.fingerprint, description: post.description ?? "",
                        type: (post.type ?? "").isEmpty ? image.type : post.type ?? image.type)
                    try context.database.write { connection in
                        guard try connection.imageAlias(name: alias.name) == nil else {
                            throw APIError.conflict("Alias \"\(alias.name)\" already exists")
                        }
                        try connection.insertImageAlias(alias)
                    }
                    await lifecycle.emit(
                        action: "image-alias-created", source: "/1.0/images/aliases/\(alias.name)",
                        context: .object([("target", .string(alias.fingerprint))]),
                        requestor: OperationSubmitter.requestor(request.context))
                    return .sync(.null, status: .created, location: "/1.0/images/aliases/\(alias.name)")
                }),
            Endpoint(
                "/1.0/images/aliases/{name}",
                get: .deferred(.view) { request in
                    let alias = try find(request, context)
                    return .sync(ImageJSON.alias(alias), etag: etag(alias))
                },
                put: .deferred(.operate) { request in try await put(request, context: context) },
                post: .deferred(.operate) { request in try await rename(request, context: context) },
                patch: .deferred(.operate) { request in try await patch(request, context: context) },
                delete: .deferred(.operate) { request in
                    let alias = try find(request, context)
                    try context.database.write { _ = try $0.deleteImageAlias(name: alias.name) }
                    await lifecycle.emit(
                        action: "image-alias-deleted", source: "/1.0/images/aliases/\(alias.name)",
                        context: .object([("target", .string(alias.fingerprint))]),
                        requestor: OperationSubmitter.requestor(request.context))
                    return .empty
                }),
        ]
    }

    static func find(_ request: APIRequest, _ context: APIContext) throws -> ImageAliasRow {
        let name = request.parameters["name"] ?? ""
        guard let alias = try context.database.read({ try $0.imageAlias(name: name) }) else {
            throw APIError(.notFound, "not found")
        }
        return alias
    }
}
