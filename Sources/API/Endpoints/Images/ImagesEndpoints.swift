import Foundation
import HTTP
import Images
import JSON
import Operations
import Store

/// `/1.0/images` (LXD's `lxd/images.go`): uploads (`lxc image import`, unified or split), listing,
/// updates and deletion.
enum ImagesEndpoints {
    static func endpoints(_ context: APIContext, store: ImageStore) -> [Endpoint] {
        [
            Endpoint(
                "/1.0/images",
                get: .deferred(.view) { request in try list(request, context: context) },
                post: .deferred(.operate) { request in try await upload(request, context: context, store: store) }),
            Endpoint(
                "/1.0/images/{fingerprint}",
                get: .deferred(.view) { request in
                    let image = try store.image(prefix: request.parameters["fingerprint"] ?? "")
                    let aliases = try context.database.read { try $0.imageAliases(fingerprint: image.fingerprint) }
                    return .sync(ImageJSON.image(image, aliases: aliases), etag: ImageWritable(image).etag)
                },
                put: .deferred(.operate) { request in try await put(request, context: context, store: store) },
                patch: .deferred(.operate) { request in try await patch(request, context: context, store: store) },
                delete: .deferred(.operate) { request in
                    let image = try store.image(prefix: request.parameters["fingerprint"] ?? "")
                    return try await OperationSubmitter.submit(
                        SubmitRequest(
                            type: ImageOperations.deleteType, queueKey: ImageOperations.queueKey,
                            payload: .object([("fingerprint", .string(image.fingerprint))]),
                            resources: ["images": ["/1.0/images/\(image.fingerprint)"]], project: request.project),
                        for: request, context: context)
                }),
        ]
    }

    /// LXD's list (URLs at recursion 0, objects at 1) through the collection parameters (`filter`,
    /// `sort`, `fields`, paging, NDJSON); aliases are only read when objects are needed.
    static func list(_ request: APIRequest, context: APIContext) throws -> APIResponse {
        let query = try CollectionQuery(request)
        let images = try context.database.read { try $0.images() }
        let aliases = query.needsObjects ? try context.database.read { try $0.imageAliases() } : []
        return query.respond(
            images.map { image in
                CollectionItem(
                    url: "/1.0/images/\(image.fingerprint)",
                    object: query.needsObjects ? ImageJSON.image(image, aliases: aliases) : nil)
            })
    }
}
