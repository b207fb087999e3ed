import HTTP
import Images
import JSON
import Operations
import Store

extension ImageAliasesEndpoints {
    /// LXD's `api.ImageAliasesEntryPut`.
    struct AliasPut: Decodable {
        var description: String?
        var target: String?
    }

    /// LXD's `api.ImageAliasesEntryPost`.
    struct AliasRename: Decodable {
        var name: String
    }

    /// LXD's alias ETag: the hash of the entry exactly as served.
    static func etag(_ alias: ImageAliasRow) -> String { ImageETag.hash(ImageJSON.alias(alias)) }

    /// `PUT /1.0/images/aliases/<name>` (LXD's `imageAliasPut`): a new target (any unique prefix)
    /// and description; the type stays.
    static func put(_ request: APIRequest, context: APIContext) async throws -> APIResponse {
        try request.checkIfMatch(currentETag: etag(try find(request, context)))
        let body = try request.decodeBody(AliasPut.self)
        guard let target = body.target, !target.isEmpty else {
            throw APIError.badRequest("The target field is required")
        }
        return try await update(request, context: context, target: target, description: body.description ?? "")
    }

    /// `PATCH /1.0/images/aliases/<name>` (LXD's `imageAliasPatch`): the fields present replace.
    static func patch(_ request: APIRequest, context: APIContext) async throws -> APIResponse {
        try request.checkIfMatch(currentETag: etag(try find(request, context)))
        let body = try request.decodeBody(AliasPut.self)
        return try await update(request, context: context, target: body.target, description: body.description)
    }

    /// Checks `If-Match` again and rewrites the alias in one transaction, then announces
    /// `image-alias-updated` with the alias's target (LXD sends the old one on `PUT`, the new one on
    /// `PATCH`; Berth always sends where the alias now points).
    static func update(
        _ request: APIRequest, context: APIContext, target: String?, description: String?
    ) async throws -> APIResponse {
        let name = request.parameters["name"] ?? ""
        let updated = try context.database.write { connection in
            guard var alias = try connection.imageAlias(name: name) else { throw APIError.notFound }
            try request.checkIfMatch(currentETag: etag(alias))
            if let target { alias.fingerprint = try ImageStore.image(prefix: target, in: connection).fingerprint }
            if let description { alias.description = description }
            _ = try connection.deleteImageAlias(name: name)
            try connection.insertImageAlias(alias)
            return alias
        }
        await context.lifecycle.emit(
            action: "image-alias-updated", source: "/1.0/images/aliases/\(name)",
            context: .object([("target", .string(updated.fingerprint))]),
            requestor: OperationSubmitter.requestor(request.context))
        return .empty
    }

    /// `POST /1.0/images/aliases/<name>` (LXD's `imageAliasPost`): renames the alias; a name in use
    /// is a 409 with LXD's message, checked first as LXD does. Answers `201` with the new location.
    static func rename(_ request: APIRequest, context: APIContext) async throws -> APIResponse {
        let name = request.parameters["name"] ?? ""
        let body = try request.decodeBody(AliasRename.self)
        guard !body.name.isEmpty else { throw APIError.badRequest("Alias name missing") }
        guard !body.name.contains("/") else { throw APIError.badRequest("Alias names may not contain slashes") }
        try context.database.write { connection in
            guard try connection.imageAlias(name: body.name) == nil else {
                throw APIError.conflict("Alias '\(body.name)' already in use")
            }
            guard var alias = try connection.imageAlias(name: name) else { throw APIError.notFound }
            _ = try connection.deleteImageAlias(name: name)
            alias.name = body.name
            try connection.insertImageAlias(alias)
        }
        let location = "/1.0/images/aliases/\(body.name)"
        await context.lifecycle.emit(
            action: "image-alias-renamed", source: location, context: .object([("old_name", .string(name))]),
            requestor: OperationSubmitter.requestor(request.context))
        return .sync(.null, status: .created, location: location)
    }
}
