/// One part's headers as RFC 7578 §4.2 defines them: the form field `name`, and the `filename` a
/// file upload carries, reduced to its last path component (§4.2 says the directory must not be
/// used; Go's `Part.FileName` does the same, so LXD sees what Berth sees).
public struct MultipartPart: Sendable, Equatable {
    public var name: String
    /// Empty when the part has no `filename` parameter.
    public var filename: String
    /// The part's own `Content-Type`, empty when absent (RFC 7578 §4.4 defaults it to text/plain).
    public var contentType: String

    public init(name: String, filename: String = "", contentType: String = "") {
        self.name = name
        self.filename = filename
        self.contentType = contentType
    }

    /// Parses a header section: CRLF-terminated `name: value` lines, the empty line excluded.
    static func parse(headerSection bytes: ArraySlice<UInt8>) throws(MultipartError) -> MultipartPart {
        var disposition: MultipartHeaderValue?
        var contentType = ""
        var rest = bytes
        while !rest.isEmpty {
            guard let end = MultipartSearch.firstIndex(of: MultipartSearch.crlf, in: rest) else {
                throw .malformedHeader("a line does not end in CRLF")
            }
            let line = rest[rest.startIndex..<end]
            rest = rest[(end + 2)...]
            guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else {
                throw .malformedHeader(line.isEmpty ? "an empty line" : "obsolete line folding")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw .malformedHeader("a line without a field name and colon")
            }
            let nameBytes = line[line.startIndex..<colon]
            guard nameBytes.allSatisfy(MultipartHeaderValue.isTokenByte) else {
                throw .malformedHeader("a field name with a character that is not allowed")
            }
            let valueBytes = line[(colon + 1)...]
            guard !valueBytes.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .malformedHeader("a control character in a field value")
            }
            let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
            let value = String(decoding: valueBytes, as: UTF8.self)
            switch name {
            case "content-disposition":
                guard disposition == nil else {
                    throw .invalidContentDisposition("a part has two Content-Disposition headers")
                }
                disposition = try MultipartHeaderValue.parse(value)
            case "content-type":
                contentType = value.trimmingCharacters(in: " \t")
            default:
                break
            }
        }
        guard let disposition else { throw .invalidContentDisposition("a part has no Content-Disposition") }
        guard disposition.value == "form-data" else {
            throw .invalidContentDisposition("a part's Content-Disposition is \"\(disposition.value)\", not form-data")
        }
        guard let name = disposition.parameters["name"] else {
            throw .invalidContentDisposition("a part's Content-Disposition has no name")
        }
        let filename = disposition.parameters["filename"].map(Self.lastPathComponent) ?? ""
        return MultipartPart(name: name, filename: filename, contentType: contentType)
    }

    private static func lastPathComponent(_ path: String) -> String {
        let trimmed = path.reversed().drop { $0 == "/" }.reversed()
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
