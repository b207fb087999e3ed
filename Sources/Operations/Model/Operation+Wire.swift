import JSON

extension Operation {
    /// `json.encoded` without building the tree: every operation is written three or four times
    /// (its events, its `202`), which made JSON trees a tenth of the job queue's cost.
    public var encodedJSON: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(400)
        writeJSON(into: &bytes)
        return bytes
    }

    /// Appends the wire object, byte for byte what `json.encoded` gives.
    public func writeJSON(into bytes: inout [UInt8]) {
        bytes.appendASCII(#"{"id":"#)
        JSONString.write(id, into: &bytes)
        bytes.appendASCII(#","class":"#)
        JSONString.write(operationClass.rawValue, into: &bytes)
        bytes.appendASCII(#","description":"#)
        JSONString.write(description, into: &bytes)
        bytes.appendASCII(#","created_at":""#)
        createdAt.write(into: &bytes)
        bytes.appendASCII(#"","updated_at":""#)
        updatedAt.write(into: &bytes)
        bytes.appendASCII(#"","status":"#)
        JSONString.write(status.name, into: &bytes)
        bytes.appendASCII(#","status_code":"#)
        bytes.append(contentsOf: String(status.code).utf8)
        bytes.appendASCII(#","resources":"#)
        if resources.isEmpty {
            bytes.appendASCII("null")
        } else {
            Operation.resourcesJSON(resources).encode(into: &bytes)
        }
        bytes.appendASCII(#","metadata":"#)
        metadata.encode(into: &bytes)
        bytes.appendASCII(mayCancel ? #","may_cancel":true,"err":"# : #","may_cancel":false,"err":"#)
        JSONString.write(err, into: &bytes)
        bytes.appendASCII(#","location":"none","err_code":"#)
        bytes.append(contentsOf: String(errCode).utf8)
        if let requestor {
            bytes.appendASCII(#","requestor":{"username":"#)
            JSONString.write(requestor.username, into: &bytes)
            bytes.appendASCII(#","protocol":"#)
            JSONString.write(requestor.protocol, into: &bytes)
            bytes.appendASCII(#","address":"#)
            JSONString.write(requestor.address, into: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "}"))
    }
}

extension [UInt8] {
    /// Appends a literal's bytes without going through `String.UTF8View`'s iterator.
    @inline(__always)
    mutating func appendASCII(_ literal: StaticString) {
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }
}
