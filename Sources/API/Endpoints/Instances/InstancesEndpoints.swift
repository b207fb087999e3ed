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
                    get: .deferred { request in try await list(request, service: service, base: base) },
                    post: .deferred { request in
                        try await create(request, context: context, service: service, images: images)
                    }),
                Endpoint(
                    base + "/{name}",
                    get: .deferred { request in
                        let row = try target(request, service)
                        let state = await service.state(row)
                        return .sync(
                            request.recursion >= 1
                                ? InstanceJSON.full(row, state: state)
                                : InstanceJSON.instance(row, status: state.status))
                    },
                    post: .deferred { request in
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
                    delete: .deferred { request in
                        let row = try target(request, service)
                        guard await service.state(row).status == .stopped else { throw InstanceError.isRunning }
                        return try await submit(
                            InstanceService.deleteType, row: row, description: nil, payload: [], request: request,
                            context: context)
                    }),
                Endpoint(
                    base + "/{name}/state",
                    get: .deferred { request in
                        let row = try target(request, service)
                        return .sync(InstanceJSON.state(await service.state(row)))
                    },
                    put: .deferred { request in
                        let row = try target(request, service)
                        let body = try request.decodeBody(StateBody.self)
                        let descriptions = [
                            "start": "Starting instance", "stop": "Stopping instance", "restart": "Restarting instance",
                            "freeze": "Freezing instance", "unfreeze": "Unfreezing instance",
                        ]
                        guard let description = descriptions[body.action] else {
                            throw APIError.badRequest("Unknown action: '\(body.action)'")
                        }
                        return try await submit(
                            InstanceService.stateType, row: row, description: description,
                            payload: [
                                ("action", .string(body.action)), ("timeout", .int(body.timeout ?? -1)),
                                ("force", .bool(body.force ?? false)),
                            ], request: request, context: context)
                    }),
            ]
        }
    }

    /// The instance the path names (`{name}`), in the request's project.
    static func target(_ request: APIRequest, _ service: InstanceService) throws -> InstanceRow {
        try service.instance(name: request.parameters["name"] ?? "", project: request.project)
    }

    static func list(_ request: APIRequest, service: InstanceService, base: String) async throws -> APIResponse {
        if let filter = request.queryValue("filter"), !filter.isEmpty {
            throw APIError.badRequest("Filtering instances is not supported yet: \(filter)")
        }
        let rows = try service.instances(project: request.project)
        switch request.recursion {
        case 0:
            return .sync(.array(rows.map { .string("\(base)/\($0.name)") }))
        case 1:
            var values: [JSONValue] = []
            for row in rows { values.append(InstanceJSON.instance(row, status: await service.state(row).status)) }
            return .sync(.array(values))
        default:
            var values: [JSONValue] = []
            for row in rows { values.append(InstanceJSON.full(row, state: await service.state(row))) }
            return .sync(.array(values))
        }
    }

    static func create(_ request: APIRequest, context: APIContext, service: InstanceService, images: ImageStore)
        async throws -> APIResponse
    {
        let body = try request.decodeBody(CreateBody.self)
        let name = body.name ?? ""
        guard !name.isEmpty else { throw APIError.badRequest("Instance names are generated only in a later version") }
        if let problem = InstanceName.problem(name) { throw APIError.badRequest(problem) }
        let type = body.type.flatMap { $0.isEmpty ? nil : $0 } ?? "container"
        guard type == "container" else { throw APIError.badRequest("Instance type not supported") }
        guard let source = body.source, source.type == "image" else {
            throw APIError.badRequest(
                body.source?.type.map { "Unknown source type \($0)" } ?? "Only image sources are supported so far")
        }
        let image = try resolveImage(source, images: images, context: context)
        var config: [(String, JSONValue)] = []
        for (key, value) in (try? JSONValue.parse(image.properties))?.objectValue ?? [] {
            config.append(("image." + key, value))
        }
        config.append(("volatile.base_image", .string(image.fingerprint)))
        for (key, value) in (body.config ?? [:]).sorted(by: { $0.key < $1.key }) {
            config.removeAll { $0.0 == key }
            config.append((key, .string(value)))
        }
        let devices: JSONValue = .object(
            (body.devices ?? [:]).sorted { $0.key < $1.key }.map { key, device in
                (key, .object(device.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
            })
        let row = InstanceRow(
            name: name, project: request.project, type: type, architecture: image.architecture,
            description: body.description ?? "", ephemeral: body.ephemeral ?? false, stateful: body.stateful ?? false,
            config: String(decoding: JSONValue.object(config.sorted { $0.0 < $1.0 }).encoded, as: UTF8.self),
            devices: String(decoding: devices.encoded, as: UTF8.self),
            profiles: String(
                decoding: JSONValue.array((body.profiles ?? ["default"]).map { .string($0) }).encoded, as: UTF8.self),
            imageFingerprint: image.fingerprint, createdAt: Timestamp.now().nanoseconds, lastUsedAt: nil,
            phase: .creating)
        try service.reserve(row)
        do {
            return try await submit(
                InstanceService.createType, row: row, description: nil, payload: [], request: request,
                context: context)
        } catch {
            service.abandon(name: row.name, project: row.project)
            throw error
        }
    }

    /// The local image a `source` names: alias, fingerprint (prefix), or properties (newest match).
    static func resolveImage(_ source: Source, images: ImageStore, context: APIContext) throws -> ImageRow {
        if let alias = source.alias, !alias.isEmpty {
            guard let target = try context.database.read({ try $0.imageAlias(name: alias) }) else {
                throw APIError(.notFound, "Image not found")
            }
            return try images.image(prefix: target.fingerprint)
        }
        if let fingerprint = source.fingerprint, !fingerprint.isEmpty { return try images.image(prefix: fingerprint) }
        if let wanted = source.properties, !wanted.isEmpty {
            let all = try context.database.read { try $0.images() }
            let matching = all.filter { image in
                let properties = (try? JSONValue.parse(image.properties))?.objectValue ?? []
                return wanted.allSatisfy { key, value in
                    key == "architecture"
                        ? image.architecture == value
                        : properties.contains { $0.0 == key && $0.1.stringValue == value }
                }
            }
            guard
                let newest = matching.max(by: {
                    ($0.createdAt ?? 0, $0.uploadedAt) < ($1.createdAt ?? 0, $1.uploadedAt)
                })
            else { throw APIError(.notFound, "Image not found") }
            return newest
        }
        throw APIError.badRequest("Must specify one of alias, fingerprint or properties for an image source")
    }

    static func submit(
        _ type: String, row: InstanceRow, description: String?, payload: [(String, JSONValue)], request: APIRequest,
        context: APIContext
    ) async throws -> APIResponse {
        let url = "/1.0/instances/\(row.name)"
        return try await OperationSubmitter.submit(
            SubmitRequest(
                type: type, queueKey: InstanceService.queueKey(project: row.project, name: row.name),
                payload: .object([("name", .string(row.name)), ("project", .string(row.project))] + payload),
                resources: ["instances": [url], "containers": ["/1.0/containers/\(row.name)"]],
                project: row.project, description: description),
            for: request, context: context)
    }
}
