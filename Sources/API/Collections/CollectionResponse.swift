import HTTP
import JSON

/// The entry point of every list endpoint: it parses the collection parameters, filters, sorts,
/// pages and projects the endpoint's items, and writes them as LXD's envelope or as NDJSON, with the
/// number of matches before paging in `X-Total-Count`.
///
/// A list endpoint whose objects are cheap builds its items and calls `respond(_:items:)`. One whose
/// objects are costly (instances: the status reads the runtime) calls `respond(_:build:)`, which
/// validates the query first and asks for objects only when they are needed:
///
/// ```swift
/// return try await CollectionResponse.respond(request) { needsObjects in
///     var items: [CollectionItem] = []
///     for row in rows {
///         let object = needsObjects ? InstanceJSON.instance(row, status: await service.state(row).status) : nil
///         items.append(CollectionItem(url: "\(base)/\(row.name)", object: object))
///     }
///     return items
/// }
/// ```
///
/// Items are evaluated and listed as the objects given: an endpoint with several levels of recursion
/// (instances' `recursion=2`) passes the objects of the level asked for (`CollectionQuery.recursion`),
/// and filters then see those, as LXD filters `InstanceFull` at `recursion=2`.
enum CollectionResponse {
    static func respond(_ request: APIRequest, items: [CollectionItem]) throws(APIError) -> APIResponse {
        try CollectionQuery(request).respond(items)
    }

    /// As `respond(_:items:)`, with the items built only after the query is valid; `build` learns
    /// whether they need objects (`CollectionQuery.needsObjects`).
    static func respond(
        _ request: APIRequest, build: (_ needsObjects: Bool) async throws -> [CollectionItem]
    ) async throws -> APIResponse {
        let query = try CollectionQuery(request)
        return query.respond(try await build(query.needsObjects))
    }

    /// LXD's sync envelope around `metadata`, with `X-Total-Count`.
    static func envelope(_ metadata: JSONValue, total: Int) -> APIResponse {
        var response = Envelope.sync(metadata)
        response.headers.add(name: "X-Total-Count", value: String(total))
        return .raw(response)
    }

    /// One JSON value per line, each ending in a line feed (so an empty list is an empty body).
    static func ndjson(_ values: [JSONValue], total: Int) -> APIResponse {
        var body: [UInt8] = []
        for value in values {
            value.encode(into: &body)
            body.append(UInt8(ascii: "\n"))
        }
        return .raw(
            HTTPResponse(
                status: .ok,
                headers: [
                    "Content-Type": "application/x-ndjson", "X-Content-Type-Options": "nosniff",
                    "X-Total-Count": String(total),
                ],
                body: body))
    }
}

extension CollectionQuery {
    /// The response for a flat list (every collection but operations, which group by status).
    func respond(_ items: [CollectionItem]) -> APIResponse {
        let (selected, total) = select(items) { $0.object }
        let values = selected.map(output)
        return format == .ndjson
            ? CollectionResponse.ndjson(values, total: total)
            : CollectionResponse.envelope(.array(values), total: total)
    }
}
