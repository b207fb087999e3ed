@testable import Images

/// Multipart bodies as Go's `mime/multipart.Writer` (what `lxc image import` uses) writes them, and
/// a helper that runs the parser over a body in chunks of a given size.
enum MultipartBody {
    static let goBoundary = "f1b3c5d7e9a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e0f2a4b6c8d0e1f3a5"

    static func build(_ parts: [(name: String, filename: String?, bytes: [UInt8])], boundary: String = goBoundary)
        -> [UInt8]
    {
        var body: [UInt8] = []
        for (index, part) in parts.enumerated() {
            body += Array(((index == 0 ? "" : "\r\n") + "--\(boundary)\r\n").utf8)
            var disposition = "Content-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { disposition += "; filename=\"\(filename)\"" }
            body += Array("\(disposition)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += part.bytes
        }
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    /// The parts and their bodies, feeding `body` `chunk` bytes at a time.
    static func parse(
        _ body: [UInt8], boundary: String = goBoundary, chunk: Int = .max, limits: MultipartLimits = MultipartLimits()
    ) throws(MultipartError) -> [(part: MultipartPart, bytes: [UInt8])] {
        var parser = try MultipartParser(boundary: boundary, limits: limits)
        var parts: [(part: MultipartPart, bytes: [UInt8])] = []
        var open = false
        var offset = 0
        repeat {
            let end = body.count - offset > chunk ? offset + chunk : body.count
            parser.append(body[offset..<end])
            offset = end
            while let event = try parser.next() {
                switch event {
                case .partStart(let part):
                    precondition(!open, "a part started inside another")
                    parts.append((part, []))
                    open = true
                case .data(let bytes):
                    precondition(open, "data outside a part")
                    parts[parts.count - 1].bytes += bytes
                case .partEnd:
                    precondition(open, "a part ended twice")
                    open = false
                }
            }
        } while offset < body.count
        try parser.finish()
        return parts
    }
}
