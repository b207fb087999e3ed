import Foundation
import Images
import JSON
import Operations
import Store

extension ImagesEndpoints {
    /// LXD's `api.ImagePut`. `expires_at` is accepted only with the value Berth serves, since the
    /// store does not keep an expiry yet.
    struct PutBody: Decodable {
        var autoUpdate: Bool?
        var properties: [String: String]?
        var isPublic: Bool?
        var expiresAt: String?
        var profiles: [String]?

        enum CodingKeys: String, CodingKey {
            case properties, profiles
            case autoUpdate = "auto_update"
            case isPublic = "public"
            case expiresAt = "expires_at"
        }
    }

    /// `PUT /1.0/images/<fingerprint>` (LXD's `imagePut`): replaces `public`, `auto_update`,
    /// `properties` and `profiles` (missing means LXD's zero values, and `["default"]` profiles).
    /// Synchronous, as in LXD.
    static func put(_ request: APIRequest, context: APIContext, store: ImageStore) async throws -> APIResponse {
        let image = try store.image(prefix: request.parameters["fingerprint"] ?? "")
        try request.checkIfMatch(currentETag: ImageWritable(image).etag)
        let body = try request.decodeBody(PutBody.self)
        try checkExpiresAt(body.expiresAt)
        let values = ImageWritable(
            isPublic: body.isPublic ?? false, autoUpdate: body.autoUpdate ?? false, properties: body.properties ?? [:],
            profiles: try checkProfiles(body.profiles ?? ["default"]))
        return try await update(image.fingerprint, request, context: context) { _ in values }
    }

    /// `PATCH /1.0/images/<fingerprint>` (LXD's `imagePatch`): the fields present replace, and
    /// `properties` merge key by key.
    static func patch(_ request: APIRequest, context: APIContext, store: ImageStore) async throws -> APIResponse {
        let image = try store.image(prefix: request.parameters["fingerprint"] ?? "")
        try request.checkIfMatch(currentETag: ImageWritable(image).etag)
        let body = try request.decodeBody(PutBody.self)
        try checkExpiresAt(body.expiresAt)
        let profiles = try body.profiles.map(checkProfiles)
        return try await update(image.fingerprint, request, context: context) { current in
            current.merging(
                isPublic: body.isPublic, autoUpdate: body.autoUpdate, properties: body.properties, profiles: profiles)
        }
    }

    /// Reads, checks `If-Match` again and writes in one transaction, so a change made since the
    /// request's first check is not silently overwritten; then announces `image-updated`.
    static func update(
        _ fingerprint: String, _ request: APIRequest, context: APIContext,
        _ change: @escaping @Sendable (ImageWritable) throws -> ImageWritable
    ) async throws -> APIResponse {
        try context.database.write { connection in
            let row = try ImageStore.image(prefix: fingerprint, in: connection)
            let current = ImageWritable(row)
            try request.checkIfMatch(currentETag: current.etag)
            try connection.updateImage(try change(current).applied(to: row))
        }
        await context.lifecycle.emit(
            action: "image-updated", source: "/1.0/images/\(fingerprint)", context: nil,
            requestor: OperationSubmitter.requestor(request.context))
        return .empty
    }

    /// Berth has one profile, `default` (see `ProfilesEndpoints`); LXD's message for any other.
    static func checkProfiles(_ profiles: [String]) throws -> [String] {
        if let unknown = profiles.first(where: { $0 != "default" }) {
            throw APIError.badRequest("Profile '\(unknown)' doesn't exist")
        }
        return profiles
    }

    /// The times LXD serves for an image without expiry: Berth's `1970-01-01T00:00:00Z`, or Go's
    /// zero time that a client sends for an unset value. `lxc image edit` sends back what it read.
    static func checkExpiresAt(_ text: String?) throws {
        guard let text else { return }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) ?? plain.date(from: text) else {
            throw APIError.badRequest("Invalid expires_at \"\(text)\": not an RFC 3339 time")
        }
        let goZeroTime = -62_135_596_800.0
        guard date.timeIntervalSince1970 == 0 || date.timeIntervalSince1970 == goZeroTime else {
            throw APIError.badRequest("Setting expires_at is not supported yet")
        }
    }
}
