extension JSONValue {
    /// Parses one JSON text (RFC 8259): a single value with optional whitespace around it.
    ///
    /// The grammar is the RFC's, strictly: no comments, trailing commas, single quotes, `NaN`,
    /// `Infinity`, leading zeros or byte order mark; control characters must be escaped; strings must be
    /// UTF-8 and `\u` escapes of surrogates must pair up. Numbers that are integers in range of `Int`
    /// become `.int` (so `-0` is `.int(0)`); any other number becomes `.double`, and one beyond
    /// `Double`'s range is an error. Objects keep their members in input order, duplicate keys
    /// included (see `subscript(key:)`).
    ///
    /// - Parameter maxDepth: how deeply arrays and objects may nest; `[[1]]` has depth 2. The parser
    ///   does not recurse, but encoding, comparing and freeing the result do, once per level; the
    ///   limit keeps that within a small thread stack. Must not be negative; 0 admits only scalars.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    /// Parses the UTF-8 form of `text`; see `parse(_:maxDepth:)` for the rules.
    public static func parse(_ text: String, maxDepth: Int = 512) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }
}
