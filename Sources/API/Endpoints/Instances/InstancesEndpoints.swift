import Drivers
import HTTP
import Images
import Instances
import JSON
import Operations
import Store

/// `/1.0/instances` and LXD's legacy `/1.0/containers` (`lxd/instances*.go`, `lxd/instance_*.go`):
/// requests are validated here, synchronously; every change is a durable operation.
enum InstancesEndpoints {
    struct Source: Decodable {
        var type: String?
        var alias: String?
        var fingerprint: String?
        var properties: [String: String]?
        /// `copy`: the instance copied (`c1`, or `c1/snap` for a snapshot).
        var source: String?
        var server: String?
    }

    struct CreateBody: Decodable {
        var name: String?
        var type: String?
        var description: String?
        var config: [String: String]?
        var devices: [String: [String: String]]?
        var profiles: [String]?
        var ephemeral: Bool?
        var stateful: Bool?
        var source: Source?
        var instanceType: String?

        enum CodingKeys: String, CodingKey {
            case name, type, description, config, devices, profiles, ephemeral, stateful, source
            case instanceType = "instance_type"
        }
    }

    struct RenameBody: Decodable {
        var name: String
    }

    struct StateBody: Decodable {
        var action: String
        var timeout: Int?
        var force: Bool?
    }

    static func endpoints(_ context: APIContext, service: InstanceService, images: ImageStore) -> [Endpoint] {
        ["/1.0/instances", "/1.0/containers"].flatMap { base in
            [
                Endpoint(
                    base,
                    get: .deferred(.view) { request in try await list(request, service: service, base: base) },
                    post: .deferred(.operate) { request in
                        try await create(request, context: context, service: service, images: images)
                    }),
                Endpoint(
                    base + "/{name}",
                    get: .deferred(.view) { request in
                        let row = try target(request, service)
                        let state = await service.state(row)
                        return .sync(
                            request.recursion >= 1
                                ? InstanceJSON.full(
                                    row, state: state, snapshots: InstanceSnapshotsEndpoints.objects(of: row, service))
                                : InstanceJSON.instance(row, status: state.status),
                            etag: InstanceWritable(row).etag)
                    },
                    put: .deferred(.operate) { request in try await put(request, context: context, service: service) },
                    post: .deferred(.operate) { request in
                        let row = try target(request, service)
                        let body = try request.decodeBody(RenameBody.self)
                        if let problem = InstanceName.problem(body.name) { throw APIError.badRequest(problem) }
                        guard (try? service.instance(name: body.name, project: request.project)) == nil else {
                            throw APIError.conflict("Name \"\(body.name)\" already in use")
                        }
                        guard await service.state(row).status == .stopped else {
                            throw APIError.badRequest("Renaming of running instance not allowed")
                        }
                        return try await submit(
                            InstanceService.renameType, row: row, description: nil,
                            payload: [("new_name", .string(body.name))], request: request, context: context)
                    },
                    patch: .deferred(.operate) { request in try await patch(request, context: context, service: service)
                    },
                    delete: .deferred(.operate) { request in
                        try await delete(target(request, service), request: request, context: context, service: service)
                    }),
                Endpoint(
                    base + "/{name}/state",
                    get: .deferred(.view) { request in
                        let row = try target(request, service)
                        return .sync(InstanceJSON.state(await service.state(row)))
                    },
                    put: .deferred(.operate) { request in
                        try await changeState(target(request, service), request: request, context: context)
                    }),
            ]
        }
    }

    /// `PUT …/state`: one of LXD's actions, as an operation of the instance's queue.
    static func changeState(
        _ row: InstanceRow, request: APIRequest, context: APIContext, resources: [String: [String]]? = nil
    ) async throws -> APIResponse {
        let body = try request.decodeBody(StateBody.self)
        let descriptions = [
            "start": "Starting instance", "stop": "Stopping instance", "restart": "Restarting instance",
            "freeze": "Freezing instance", "unfreeze": "Unfreezing instance",
        ]
        guard let description = descriptions[body.action] else {
            throw APIError.badRequest("Unknown action: '\(body.action)'")
        }
        let payload: [(String, JSONValue)] = [
            ("action", .string(body.action)), ("timeout", .int(body.timeout ?? -1)),
            ("force", .bool(body.force ?? false)),
        ]
        return try await OperationSubmitter.submit(
            submitRequest(
                InstanceService.stateType, row: row, description: description, payload: payload, resources: resources),
            for: request, context: context)
    }

    /// `DELETE`: refused while running (LXD's 400), else an operation of the instance's queue.
    static func delete(
        _ row: InstanceRow, request: APIRequest, context: APIContext, service: InstanceService,
        resources: [String: [String]]? = nil
    ) async throws -> APIResponse {
        guard await service.state(row).status == .stopped else { throw InstanceError.isRunning }
        return try await OperationSubmitter.submit(
            submitRequest(InstanceService.deleteType, row: row, description: nil, payload: [], resources: resources),
            for: request, context: context)
    }

    /// The instance the path names (`{name}`), in the request's project.
    static func target(_ request: APIRequest, _ service: InstanceService) throws -> InstanceRow {
        try service.instance(name: request.parameters["name"] ?? "", project: request.project)
    }

    /// LXD's list (URLs, `Instance` or `InstanceFull` by recursion) through the collection layer:
    /// `filter`, `fields`, `sort`, paging and NDJSON; runtime state is read only when objects are.
    static func list(_ request: APIRequest, service: InstanceService, base: String) async throws -> APIResponse {
        var rows = try service.instances(project: request.project)
        // LXD's `instance-type` parameter (`container`, `virtual-machine`); empty means all.
        if let type = request.queryValue("instance-type"), !type.isEmpty {
            guard ["container", "virtual-machine"].contains(type) else {
                throw APIError.badRequest("Invalid instance type \"\(type)\"")
            }
            rows = rows.filter { $0.type == type }
        }
        return try await CollectionResponse.respond(request) { needsObjects in
            var items: [CollectionItem] = []
            items.reserveCapacity(rows.count)
            for row in rows {
                var object: JSONValue?
                if needsObjects {
                    let state = await service.state(row)
                    object =
                        request.recursion >= 2
                        ? InstanceJSON.full(
                            row, state: state, snapshots: InstanceSnapshotsEndpoints.objects(of: row, service))
                        : InstanceJSON.instance(row, status: state.status)
                }
                items.append(CollectionItem(url: "\(base)/\(row.name)", object: object))
            }
            return items
        }
    }

    static func submit(
        _ type: String, row: InstanceRow, description: String?, payload: [(String, JSONValue)], request: APIRequest,
        context: APIContext
    ) async throws -> APIResponse {
        try await OperationSubmitter.submit(
            submitRequest(type, row: row, description: description, payload: payload), for: request, context: context)
    }

    /// An operation on one instance: queued behind the instance's other changes, naming it in
    /// `resources` under both of LXD's collection names.
    static func submitRequest(
        _ type: String, row: InstanceRow, description: String?, payload: [(String, JSONValue)],
        resources: [String: [String]]? = nil
    ) -> SubmitRequest {
        SubmitRequest(
            type: type, queueKey: InstanceService.queueKey(project: row.project, name: row.name),
            payload: .object([("name", .string(row.name)), ("project", .string(row.project))] + payload),
            resources: resources
                ?? ["instances": ["/1.0/instances/\(row.name)"], "containers": ["/1.0/containers/\(row.name)"]],
            project: row.project, description: description)
    }
}
