import HTTP
import JSON
import Operations
import Server
import Store

/// `/1.0/operations` (LXD's `lxd/operations.go`), backed by the durable queue: finished operations stay
/// readable for the retention window, not 5 seconds.
enum OperationsEndpoints {
    static func endpoints(_ context: APIContext) -> [Endpoint] {
        let manager = context.operations
        return [
            Endpoint("/1.0/operations", get: .deferred(.authenticated) { request in try list(request, manager) }),
            Endpoint(
                "/1.0/operations/{id}",
                get: .deferred(.authenticated) { request in .sync(try find(request, manager).json) },
                delete: .deferred(.operate) { request in
                    do {
                        _ = try await manager.cancel(id: request.parameters["id"] ?? "")
                    } catch let error as OperationsError {
                        throw OperationsEndpoints.apiError(error)
                    }
                    return .empty
                }),
            Endpoint(
                "/1.0/operations/{id}/wait", get: .deferred(.authenticated) { request in try wait(request, manager) }),
            Endpoint(
                "/1.0/operations/{id}/log",
                get: .deferred(.authenticated) { request in
                    let id = request.parameters["id"] ?? ""
                    guard let lines = try manager.log(id: id) else { throw APIError(.notFound, "Operation not found") }
                    return .sync(
                        .array(
                            lines.map { line in
                                .object([
                                    ("time", .string(Timestamp(nanoseconds: line.time).description)),
                                    ("level", .string(line.level)),
                                    ("message", .string(line.message)),
                                ])
                            }))
                }),
        ]
    }

    static func find(_ request: APIRequest, _ manager: OperationManager) throws -> Operation {
        guard let operation = try manager.operation(id: request.parameters["id"] ?? "") else {
            throw APIError(.notFound, "Operation not found")
        }
        return operation
    }

    /// LXD's shape: a map keyed by lower-cased status, keys only when non-empty; URLs at recursion 0,
    /// objects at 1. `status`, `type`, `resource` and `since` select in the database (additions); the
    /// collection parameters (`filter`, `sort`, `fields`, `limit`, `offset`) then apply to that list
    /// in the database's order, and the page is grouped by status. Paging after filtering is why the
    /// database no longer pages: without a filter or sort the page is the one `LIMIT`/`OFFSET` gave,
    /// and `X-Total-Count` needs the count before paging anyway. NDJSON has no map: one flat line per
    /// operation, in list order.
    static func list(_ request: APIRequest, _ manager: OperationManager) throws -> APIResponse {
        var query = OperationQuery(project: request.project)
        if let statuses = request.queryValue("status"), !statuses.isEmpty {
            var codes: [Int] = []
            for name in statuses.split(separator: ",") {
                guard let status = OperationStatus(listKey: String(name)) else {
                    throw APIError.badRequest("Invalid status \"\(name)\"")
                }
                codes.append(status.code)
            }
            query.statusCodes = codes
        }
        if let type = request.queryValue("type"), !type.isEmpty { query.type = type }
        if let resource = request.queryValue("resource"), !resource.isEmpty { query.resource = resource }
        if let since = request.queryValue("since"), !since.isEmpty {
            guard let timestamp = Timestamp(rfc3339: since) else {
                throw APIError.badRequest("Invalid since \"\(since)\": expected an RFC 3339 time")
            }
            query.updatedSince = timestamp.nanoseconds
        }
        let collection = try CollectionQuery(request)
        let (operations, total) = collection.select(try manager.operations(query)) { $0.json }
        let values = operations.map { collection.output(CollectionItem(url: $0.url, object: $0.json)) }
        if collection.format == .ndjson { return CollectionResponse.ndjson(values, total: total) }
        var groups: [(String, [JSONValue])] = []
        for (operation, value) in zip(operations, values) {
            if let index = groups.firstIndex(where: { $0.0 == operation.status.listKey }) {
                groups[index].1.append(value)
            } else {
                groups.append((operation.status.listKey, [value]))
            }
        }
        let order = OperationStatus.allCases.map(\.listKey)
        groups.sort { (order.firstIndex(of: $0.0) ?? 0) < (order.firstIndex(of: $1.0) ?? 0) }
        return CollectionResponse.envelope(.object(groups.map { ($0.0, .array($0.1)) }), total: total)
    }

    /// `GET /1.0/operations/<id>/wait`: 404 for an unknown id; otherwise `200` is written at once and
    /// the body — a sync envelope with the operation as it is when the wait ends — follows. `timeout`
    /// absent or -1: until final; `for=change&since=<updated_at>`: until the next change.
    static func wait(_ request: APIRequest, _ manager: OperationManager) throws -> APIResponse {
        let operation = try find(request, manager)
        let timeout = try timeoutMilliseconds(request.queryValue("timeout"))
        var changedAfter: Timestamp?
        if let mode = request.queryValue("for"), !mode.isEmpty {
            guard mode == "change" else {
                throw APIError.badRequest("Invalid for \"\(mode)\": only \"change\" is known")
            }
            let since = request.queryValue("since") ?? ""
            guard let timestamp = since.isEmpty ? operation.updatedAt : Timestamp(rfc3339: since) else {
                throw APIError.badRequest("Invalid since \"\(since)\": expected the operation's updated_at")
            }
            changedAfter = timestamp
        }
        let id = operation.id
        let until = changedAfter
        let head = HTTPResponse(
            status: .ok,
            headers: ["Content-Type": "application/json", "X-Content-Type-Options": "nosniff"])
        return .reply(
            .stream(head: head) { writer in
                let current =
                    (try? await manager.wait(id: id, timeoutMilliseconds: timeout, changedAfter: until))
                    ?? nil
                let body: [UInt8] =
                    if let current {
                        Envelope.syncBody(metadata: current.json.encoded)
                    } else {
                        Envelope.error(APIError(.notFound, "Operation not found")).body
                    }
                try? writer.write(body)
            })
    }

    /// `timeout` in seconds (fractions allowed); absent or negative means no limit.
    static func timeoutMilliseconds(_ text: String?) throws -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let seconds = Double(text), seconds.isFinite else {
            throw APIError.badRequest("Invalid timeout \"\(text)\": expected a number of seconds")
        }
        if seconds < 0 { return nil }
        return Int64((seconds * 1000).rounded())
    }

    static func apiError(_ error: OperationsError) -> APIError {
        switch error {
        case .notFound: APIError(.notFound, "Operation not found")
        case .cancelRefused: APIError(.badRequest, error.description)
        case .idempotencyConflict: APIError(.conflict, error.description)
        case .unknownType: APIError(.internalServerError, error.description)
        case .shuttingDown: APIError(.serviceUnavailable, error.description)
        }
    }
}
