/// What Berth reads from an image's `metadata.yaml`: `architecture`, `creation_date` (Unix seconds)
/// and the `properties` map. The file is the simple YAML LXD's tools write (top-level scalars and
/// one level of maps); `templates` and anything else are ignored.
public struct ImageMetadata: Sendable, Equatable {
    public var architecture: String
    public var creationDate: Int64?
    public var properties: [(String, String)]

    public static func == (lhs: ImageMetadata, rhs: ImageMetadata) -> Bool {
        lhs.architecture == rhs.architecture && lhs.creationDate == rhs.creationDate
            && lhs.properties.map(\.0) == rhs.properties.map(\.0) && lhs.properties.map(\.1) == rhs.properties.map(\.1)
    }

    /// Parses the YAML subset; throws `ImageError.invalidMetadata` naming the line that is not understood.
    public static func parse(_ text: String) throws(ImageError) -> ImageMetadata {
        var architecture: String?
        var creationDate: Int64?
        var properties: [(String, String)] = []
        var section: String?
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "---" { continue }
            let indented = trimmed.count != line.count
            guard let colon = trimmed.firstIndex(of: ":") else {
                // Lists and other structures only occur in sections Berth ignores.
                if indented && section != "properties" { continue }
                throw .invalidMetadata("line \(number + 1): expected \"key: value\"")
            }
            let key = unquote(trimmed[..<colon])
            let value = unquote(trimmed[trimmed.index(after: colon)...])
            if !indented {
                section = value.isEmpty ? key : nil
                switch key {
                case "architecture": architecture = value
                case "creation_date":
                    guard let seconds = Int64(value) else {
                        throw .invalidMetadata("line \(number + 1): creation_date is not a number")
                    }
                    creationDate = seconds
                default: break
                }
            } else if section == "properties" {
                properties.append((key, value))
            }
        }
        guard let architecture, !architecture.isEmpty else { throw .invalidMetadata("no architecture") }
        return ImageMetadata(architecture: architecture, creationDate: creationDate, properties: properties)
    }

    private static func unquote(_ text: Substring) -> String {
        var value = text.trimmingSpaces()
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = value.dropFirst().dropLast()
        }
        return String(value)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var value = self
        while value.first == " " || value.first == "\t" { value = value.dropFirst() }
        while value.last == " " || value.last == "\t" { value = value.dropLast() }
        return value
    }
}
