import HTTP
import JSON

/// LXD's response envelopes (`shared/api/response.go`): all seven fields, always, in LXD's order
/// (`type, status, status_code, operation, error_code, error, metadata`).
public enum Envelope {
    /// A sync envelope around already-encoded `metadata`.
    public static func syncBody(metadata: [UInt8]) -> [UInt8] {
        var body = syncPrefix
        body.reserveCapacity(syncPrefix.count + metadata.count + 1)
        body.append(contentsOf: metadata)
        body.append(UInt8(ascii: "}"))
        return body
    }

    public static func sync(
        _ metadata: JSONValue, status: HTTPStatus = .ok, etag: String? = nil, location: String? = nil
    ) -> HTTPResponse {
        sync(encodedMetadata: metadata.encoded, status: status, etag: etag, location: location)
    }

    public static func sync(
        encodedMetadata: [UInt8], status: HTTPStatus = .ok, etag: String? = nil, location: String? = nil
    ) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let etag { headers.add(name: "ETag", value: "\"\(etag)\"") }
        if let location { headers.add(name: "Location", value: location) }
        return HTTPResponse(status: status, headers: headers, body: syncBody(metadata: encodedMetadata))
    }

    public static func error(_ error: APIError) -> HTTPResponse {
        let body: JSONValue = .object([
            ("type", .string("error")),
            ("status", .string("")),
            ("status_code", .int(0)),
            ("operation", .string("")),
            ("error_code", .int(error.status.code)),
            ("error", .string(error.message)),
            ("metadata", .null),
        ])
        return HTTPResponse(
            status: error.status,
            headers: ["Content-Type": "application/json", "X-Content-Type-Options": "nosniff"],
            body: body.encoded)
    }

    private static let syncPrefix = Array(
        #"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":"#
            .utf8)
}
