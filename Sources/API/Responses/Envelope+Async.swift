import HTTP
import JSON
import Operations

extension Envelope {
    /// LXD's async envelope: `202`, `Location` of the operation, the operation as metadata.
    /// `encoded` is the operation's wire form when the caller has it already.
    public static func async(_ operation: Operation, encoded: [UInt8]? = nil) -> HTTPResponse {
        var body: [UInt8] = []
        body.reserveCapacity(512)
        body += #"{"type":"async","status":"Operation created","status_code":100,"operation":"#.utf8
        JSONString.write(operation.url, into: &body)
        body += #","error_code":0,"error":"","metadata":"#.utf8
        if let encoded {
            body += encoded
        } else {
            operation.writeJSON(into: &body)
        }
        body.append(UInt8(ascii: "}"))
        return HTTPResponse(
            status: .accepted, headers: ["Content-Type": "application/json", "Location": operation.url], body: body)
    }
}
