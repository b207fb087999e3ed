import HTTP

/// The query parameters of a collection (`GET /1.0/images`, `/1.0/operations`, `/1.0/instances`):
/// LXD's `recursion` and `filter`, and berth's `fields`, `sort`, `limit`, `offset` and NDJSON output.
/// Everything is validated when the query is made, so a bad parameter is a 400 before any item is
/// read.
struct CollectionQuery: Sendable {
    /// LXD's `recursion` (non-integers count as 0).
    var recursion: Int
    /// Nil when absent or empty: LXD's client sends `filter=` with every `lxc list`.
    var filter: FilterExpression?
    /// `fields=name,config.limits.cpu`: each item reduced to these paths. Nil when absent or empty.
    var fields: [FieldPath]?
    /// `sort=-created_at,name`: keys in order of precedence; `-` sorts a key descending.
    var sort: [SortKey]
    /// Paging, applied after filtering and sorting; `X-Total-Count` counts the items before it.
    var limit: Int?
    var offset: Int
    var format: CollectionFormat

    init(_ request: APIRequest) throws(APIError) {
        recursion = request.recursion
        if let text = request.queryValue("filter") {
            do {
                let expression = try FilterExpression(parsing: text)
                filter = expression.isEmpty ? nil : expression
            } catch {
                throw error.apiError
            }
        }
        let fields = try Self.paths(request.queryValue("fields"), parameter: "fields", allowsDescending: false)
        self.fields = fields.isEmpty ? nil : fields.map(\.path)
        sort = try Self.paths(request.queryValue("sort"), parameter: "sort", allowsDescending: true).map {
            SortKey(path: $0.path, descending: $0.descending)
        }
        limit = try Self.count(request.queryValue("limit"), parameter: "limit")
        offset = try Self.count(request.queryValue("offset"), parameter: "offset") ?? 0
        format = CollectionFormat.negotiate(request.http.headers)
    }

    /// Whether items must carry their objects: to be listed (`recursion` ≥ 1, or `fields`, which lists
    /// objects even at `recursion=0`), or to be filtered or sorted. A plain URL list, paged or not,
    /// needs none.
    var needsObjects: Bool { recursion >= 1 || filter != nil || fields != nil || !sort.isEmpty }

    /// A comma list of paths; empty or absent is none. Entries are trimmed; an empty or malformed
    /// entry is a 400 naming its 1-based character position in the parameter.
    static func paths(_ text: String?, parameter: String, allowsDescending: Bool) throws(APIError)
        -> [(path: FieldPath, descending: Bool)]
    {
        guard let text, !text.allSatisfy(\.isWhitespace) else { return [] }
        var paths: [(path: FieldPath, descending: Bool)] = []
        var position = 1
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            var body = entry.drop(while: \.isWhitespace)
            while let last = body.last, last.isWhitespace { body = body.dropLast() }
            var at = position + entry.count - entry.drop(while: \.isWhitespace).count
            position += entry.count + 1
            var descending = false
            if allowsDescending, body.first == "-" {
                descending = true
                body = body.dropFirst()
                at += 1
            }
            guard let path = FieldPath(body) else {
                let problem = body.isEmpty ? "empty field name" : "invalid field name \"\(body)\""
                throw APIError.badRequest("Invalid \(parameter) at position \(at): \(problem)")
            }
            paths.append((path, descending))
        }
        return paths
    }

    /// `limit` and `offset`: absent or empty is nil; anything but a non-negative integer is a 400
    /// (the wording `/1.0/operations` has always used).
    static func count(_ text: String?, parameter: String) throws(APIError) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw APIError.badRequest("Invalid \(parameter) \"\(text)\": expected an integer of at least 0")
        }
        return value
    }
}
