import Foundation
import HTTP
import Images
import JSON
import Operations

extension ImagesEndpoints {
    /// `POST /1.0/images` with the image as the body, as `lxc image import` sends it (LXD's
    /// `imagesPost` → `getImgPostInfo`): a unified tarball as `application/octet-stream`, or a split
    /// image as `multipart/form-data` with the parts `metadata` and `rootfs`. The files are on disk
    /// before the import operation is committed and `202` answered. Unlike LXD, which finds a
    /// malformed body only inside the operation, Berth refuses it here with a 400.
    static func upload(_ request: APIRequest, context: APIContext, store: ImageStore) async throws -> APIResponse {
        let headers = request.http.headers
        let contentType = headers["Content-Type"] ?? ""
        let boundary: String?
        do {
            boundary = try MultipartParser.boundary(contentType: contentType)
        } catch {
            throw ImageError.invalidTarball(error.description)
        }
        guard boundary != nil || contentType.hasPrefix("application/octet-stream") else {
            throw APIError.badRequest(
                "Only image uploads (Content-Type: application/octet-stream, or multipart/form-data for a split"
                    + " image) are supported so far")
        }
        let spooled = request.http.spooledBody
        guard !request.http.body.isEmpty || (spooled?.byteCount ?? 0) > 0 else {
            throw APIError.badRequest("The uploaded image is empty")
        }
        let isPublic = ["true", "1"].contains(headers["X-LXD-public"]?.lowercased() ?? "")
        let properties = try propertiesHeader(headers["X-LXD-properties"] ?? "")
        // Checked before anything is written, so a bad `?wait` leaves no upload behind.
        _ = try OperationSubmitter.waitParameter(request)
        let upload: StagedUpload
        let filename: String
        if let boundary {
            upload =
                if let spooled {
                    try await store.stageSplitUpload(file: spooled.path, boundary: boundary)
                } else {
                    try await store.stageSplitUpload(request.http.body, boundary: boundary)
                }
            // LXD names a split image after its rootfs part and ignores X-LXD-filename.
            filename = upload.filename
        } else {
            upload =
                if let spooled {
                    try await store.stageUpload(file: spooled.path)
                } else {
                    try await store.stageUpload(request.http.body)
                }
            filename = headers["X-LXD-filename"] ?? ""
        }
        do {
            return try await OperationSubmitter.submit(
                SubmitRequest(
                    type: ImageOperations.importType, queueKey: ImageOperations.queueKey,
                    payload: .object(
                        upload.payload + [
                            ("filename", .string(filename)), ("public", .bool(isPublic)),
                            ("properties", .object(properties.map { ($0.0, .string($0.1)) })),
                            ("expected_fingerprint", .string(headers["X-LXD-fingerprint"] ?? "")),
                        ]),
                    project: request.project),
                for: request, context: context, replayed: { store.discard(upload) })
        } catch {
            store.discard(upload)
            throw error
        }
    }

    /// Image uploads are written to a file as they arrive (`uploads/`, where staging renames them),
    /// so an image may be far larger than what the server buffers in memory.
    static let maxUploadBytes = 64 << 30

    /// Whether a request is an image upload whose body the server should spool to a file.
    static func spoolsBody(method: HTTPMethod, target: String) -> Bool {
        method == .post && (target == "/1.0/images" || target.hasPrefix("/1.0/images?"))
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
