import HTTP
import JSON
import Operations

extension Envelope {
    /// LXD's async envelope: `202`, `Location` of the operation, the operation as metadata.
    public static func async(_ operation: Operation) -> HTTPResponse {
        let body: JSONValue = .object([
            ("type", .string("async")),
            ("status", .string("Operation created")),
            ("status_code", .int(100)),
            ("operation", .string(operation.url)),
            ("error_code", .int(0)),
            ("error", .string("")),
            ("metadata", operation.json),
        ])
        return HTTPResponse(
            status: .accepted, headers: ["Content-Type": "application/json", "Location": operation.url],
            body: body.encoded)
    }
}
