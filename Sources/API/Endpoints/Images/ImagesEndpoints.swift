import Foundation
import HTTP
import Images
import JSON
import Operations
import Store

/// `/1.0/images` (LXD's `lxd/images.go`): raw uploads (`lxc image import`), listing and deletion.
enum ImagesEndpoints {
    static func endpoints(_ context: APIContext, store: ImageStore) -> [Endpoint] {
        [
            Endpoint(
                "/1.0/images",
                get: .deferred { request in try list(request, context: context) },
                post: .deferred { request in try await upload(request, context: context, store: store) }),
            Endpoint(
                "/1.0/images/{fingerprint}",
                get: .deferred { request in
                    let image = try store.image(prefix: request.parameters["fingerprint"] ?? "")
                    let aliases = try context.database.read { try $0.imageAliases(fingerprint: image.fingerprint) }
                    return .sync(ImageJSON.image(image, aliases: aliases))
                },
                delete: .deferred { request in
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

    /// `POST /1.0/images` with the image file as the body (`application/octet-stream`, LXD's raw
    /// upload). The file is on disk before the import operation is committed and `202` answered.
    static func upload(_ request: APIRequest, context: APIContext, store: ImageStore) async throws -> APIResponse {
        let headers = request.http.headers
        let contentType = headers["Content-Type"] ?? ""
        guard contentType.hasPrefix("application/octet-stream") else {
            throw APIError.badRequest(
                "Only raw image uploads (Content-Type: application/octet-stream) are supported so far")
        }
        guard !request.http.body.isEmpty else { throw APIError.badRequest("The uploaded image is empty") }
        let isPublic = ["true", "1"].contains(headers["X-LXD-public"]?.lowercased() ?? "")
        let properties = try propertiesHeader(headers["X-LXD-properties"] ?? "")
        let path = try await store.stageUpload(request.http.body)
        let filename = headers["X-LXD-filename"].flatMap { $0.isEmpty ? nil : $0 } ?? ""
        return try await OperationSubmitter.submit(
            SubmitRequest(
                type: ImageOperations.importType, queueKey: ImageOperations.queueKey,
                payload: .object([
                    ("upload", .string(path)), ("filename", .string(filename)), ("public", .bool(isPublic)),
                    ("properties", .object(properties.map { ($0.0, .string($0.1)) })),
                ]),
                project: request.project),
            for: request, context: context)
    }

    /// `X-LXD-properties`: a URL-encoded query string (`os=busybox&release=1.35`).
    static func propertiesHeader(_ text: String) throws -> [(String, String)] {
        guard !text.isEmpty else { return [] }
        return try text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first.flatMap({ String($0).removingPercentEncoding }), !key.isEmpty else {
                throw APIError.badRequest("Invalid X-LXD-properties header")
            }
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? "") : ""
            return (key, value)
        }
    }
}
