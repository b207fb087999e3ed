/// Turns Foundation's `DecodingError` into a one-line message naming the field and the problem.
enum JSONBodyError {
    static func message(for error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let joined = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "request body" : "field \"\(joined)\""
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = (context.underlyingError.map { "\($0)" }) ?? context.debugDescription
                return "Invalid JSON in request body: \(Self.firstLine(of: underlying))"
            }
            return "Invalid value for \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "Missing \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "Wrong type for \(path(context.codingPath)): expected \(Self.jsonTypeName(type))"
        case .valueNotFound(let type, let context):
            return "Null for \(path(context.codingPath)): expected \(Self.jsonTypeName(type))"
        @unknown default:
            return "Invalid JSON in request body"
        }
    }

    private static func firstLine(of text: String) -> String {
        String(text.split(separator: "\n").first ?? Substring(text))
    }

    /// Foundation names the Swift type it wanted (`Dictionary<String, Any>`); clients think in JSON.
    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        default:
            let name = "\(type)"
            if name.hasPrefix("Dictionary") { return "an object" }
            if name.hasPrefix("Array") { return "an array" }
            return name
        }
    }
}
