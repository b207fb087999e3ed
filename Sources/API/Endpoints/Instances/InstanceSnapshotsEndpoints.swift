import Drivers
import HTTP
import Instances
import JSON
import Operations
import Store

/// `/1.0/instances/<name>/snapshots[/<snapshot>]` and LXD's legacy `/1.0/containers/…` paths
/// (`lxd/instance_snapshot.go`). Requests are checked here, synchronously; every change is a durable
/// operation on the instance's queue, so it runs in order with the instance's other changes.
enum InstanceSnapshotsEndpoints {
    struct CreateBody: Decodable {
        var name: String?
        var stateful: Bool?
        var expiresAt: String?

        enum CodingKeys: String, CodingKey {
            case name, stateful
            case expiresAt = "expires_at"
        }
    }

    struct PutBody: Decodable {
        var expiresAt: String?
        var description: String?

        enum CodingKeys: String, CodingKey {
            case description
            case expiresAt = "expires_at"
        }
    }

    struct PostBody: Decodable {
        var name: String?
        var migration: Bool?
    }

    static func endpoints(_ context: APIContext, service: InstanceService) -> [Endpoint] {
        ["/1.0/instances", "/1.0/containers"].flatMap { base in
            [
                Endpoint(
                    base + "/{name}/snapshots",
                    get: .deferred(.view) { request in
                        let row = try InstancesEndpoints.target(request, service)
                        let snapshots = try service.snapshots(instance: row.name, project: row.project)
                        if request.recursion >= 1 { return .sync(.array(snapshots.map(json))) }
                        return .sync(.array(snapshots.map { .string("\(base)/\(row.name)/snapshots/\($0.name)") }))
                    },
                    post: .deferred(.operate) { request in try await create(request, context: context, service: service)
                    }),
                Endpoint(
                    base + "/{name}/snapshots/{snapshot}",
                    get: .deferred(.view) { request in
                        let snapshot = try target(request, service)
                        return .sync(json(snapshot), etag: etag(snapshot))
                    },
                    put: .deferred(.operate) { request in try await update(request, context: context, service: service)
                    },
                    post: .deferred(.operate) { request in try await rename(request, context: context, service: service)
                    },
                    patch: .deferred(.operate) { request in
                        try await update(request, context: context, service: service)
                    },
                    delete: .deferred(.operate) { request in
                        let snapshot = try target(request, service)
                        return try await submit(
                            InstanceService.snapshotDeleteType, snapshot, payload: [], request: request,
                            context: context)
                    }),
            ]
        }
    }

    /// `POST …/snapshots`: the name is taken before the operation is queued (409 for the next
    /// request), and given back if queueing fails.
    static func create(_ request: APIRequest, context: APIContext, service: InstanceService) async throws
        -> APIResponse
    {
        let row = try InstancesEndpoints.target(request, service)
        let body = try request.decodeBody(CreateBody.self)
        if body.stateful == true {
            throw APIError.badRequest("Unable to create a stateful snapshot. CRIU isn't installed")
        }
        // A virtual machine's disk is copied as it lies: only a stopped guest leaves it consistent.
        if row.type == InstanceDrivers.virtualMachineType, await service.state(row).status != .stopped {
            throw QEMUDriverError.snapshotOfRunningVM
        }
        var name = body.name ?? ""
        if name.isEmpty { name = try service.nextSnapshotName(instance: row.name, project: row.project) }
        let expiresAt = try parseExpiry(body.expiresAt)
        let snapshot = SnapshotRow(
            instance: row.name, name: name, project: row.project, description: row.description,
            architecture: row.architecture, ephemeral: row.ephemeral, stateful: false, config: row.config,
            devices: row.devices, profiles: row.profiles, createdAt: Timestamp.now().nanoseconds,
            expiresAt: expiresAt, phase: .creating)
        let url = "/1.0/instances/\(row.name)/snapshots/\(name)"
        try service.reserveSnapshot(snapshot) {
            try context.operations.operations(
                OperationQuery(statusCodes: [103, 104, 105], type: InstanceService.snapshotCreateType)
            ).contains { $0.resources["instances_snapshots"]?.contains(url) == true }
        }
        do {
            return try await submit(
                InstanceService.snapshotCreateType, snapshot, payload: [], request: request, context: context)
        } catch {
            service.abandonSnapshot(instance: row.name, name: name, project: row.project)
            throw error
        }
    }

    /// `PUT` and `PATCH`: `expires_at` (and `description`), as an `Updating snapshot` operation. A
    /// PATCH without a field keeps its value; a PUT without one clears it.
    static func update(_ request: APIRequest, context: APIContext, service: InstanceService) async throws
        -> APIResponse
    {
        let snapshot = try target(request, service)
        try request.checkIfMatch(currentETag: etag(snapshot))
        let body = try request.decodeBody(PutBody.self)
        let isPatch = request.http.method == .patch
        let expiresAt = body.expiresAt == nil && isPatch ? snapshot.expiresAt : try parseExpiry(body.expiresAt)
        let description = body.description ?? (isPatch ? snapshot.description : "")
        var payload: [(String, JSONValue)] = [("description", .string(description))]
        if let expiresAt { payload.append(("expires_at", .int(Int(expiresAt)))) }
        return try await submit(
            InstanceService.snapshotUpdateType, snapshot, payload: payload, request: request, context: context)
    }

    /// `POST …/snapshots/<s>`: rename. Migration is not supported.
    static func rename(_ request: APIRequest, context: APIContext, service: InstanceService) async throws
        -> APIResponse
    {
        let snapshot = try target(request, service)
        let body = try request.decodeBody(PostBody.self)
        if body.migration == true { throw APIError.badRequest("Snapshot migration is not supported") }
        let newName = body.name ?? ""
        if let problem = InstanceService.snapshotNameProblem(newName) { throw APIError.badRequest(problem) }
        let taken = try context.database.read {
            try $0.snapshot(instance: snapshot.instance, name: newName, project: snapshot.project)
        }
        if taken != nil { throw APIError.conflict("Name \"\(newName)\" already in use") }
        return try await submit(
            InstanceService.snapshotRenameType, snapshot, payload: [("new_name", .string(newName))], request: request,
            context: context)
    }

    /// `PUT /1.0/instances/<name> {"restore": …}`, in LXD's form (`c1/s1`) or pylxd's (`s1`).
    static func restore(
        _ row: InstanceRow, snapshot name: String, request: APIRequest, context: APIContext, service: InstanceService
    ) async throws -> APIResponse {
        var snapshotName = name
        if let slash = name.firstIndex(of: "/") {
            guard name[..<slash] == row.name else {
                throw APIError.badRequest("Cannot restore a snapshot of another instance")
            }
            snapshotName = String(name[name.index(after: slash)...])
        }
        let snapshot = try service.snapshot(instance: row.name, name: snapshotName, project: row.project)
        let running = await service.state(row).status != .stopped
        return try await submit(
            InstanceService.snapshotRestoreType, snapshot, payload: [("was_running", .bool(running))],
            request: request, context: context,
            resources: ["instances": ["/1.0/instances/\(row.name)"], "containers": ["/1.0/containers/\(row.name)"]])
    }

    /// The instance's snapshots as `InstanceFull.snapshots` lists them.
    static func objects(of row: InstanceRow, _ service: InstanceService) -> [JSONValue] {
        ((try? service.snapshots(instance: row.name, project: row.project)) ?? []).map(json)
    }

    /// The snapshot the path names, its instance in the request's project.
    static func target(_ request: APIRequest, _ service: InstanceService) throws -> SnapshotRow {
        let row = try InstancesEndpoints.target(request, service)
        return try service.snapshot(
            instance: row.name, name: request.parameters["snapshot"] ?? "", project: row.project)
    }

    static func submit(
        _ type: String, _ snapshot: SnapshotRow, payload: [(String, JSONValue)], request: APIRequest,
        context: APIContext, resources: [String: [String]]? = nil
    ) async throws -> APIResponse {
        let url = "/1.0/instances/\(snapshot.instance)/snapshots/\(snapshot.name)"
        return try await OperationSubmitter.submit(
            SubmitRequest(
                type: type, queueKey: InstanceService.queueKey(project: snapshot.project, name: snapshot.instance),
                payload: .object(
                    [
                        ("name", .string(snapshot.instance)), ("project", .string(snapshot.project)),
                        ("snapshot", .string(snapshot.name)),
                    ] + payload),
                resources: resources
                    ?? [
                        "instances": ["/1.0/instances/\(snapshot.instance)"],
                        "containers": ["/1.0/containers/\(snapshot.instance)"], "instances_snapshots": [url],
                    ],
                project: snapshot.project),
            for: request, context: context)
    }

    /// `expires_at` as RFC 3339; absent, null, empty or Go's zero time: never.
    static func parseExpiry(_ text: String?) throws -> Int64? {
        guard let text, !text.isEmpty, !text.hasPrefix("0001-01-01") else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw APIError.badRequest("Invalid expires_at \"\(text)\": expected RFC 3339")
        }
        return time.nanoseconds
    }

    /// LXD 5.0's `api.InstanceSnapshot`.
    static func json(_ snapshot: SnapshotRow) -> JSONValue {
        let config = (try? JSONValue.parse(snapshot.config)) ?? .object([])
        let devices = (try? JSONValue.parse(snapshot.devices)) ?? .object([])
        var expandedDevices = InstanceJSON.rootDisk.objectValue ?? []
        for (key, value) in devices.objectValue ?? [] {
            expandedDevices.removeAll { $0.0 == key }
            expandedDevices.append((key, value))
        }
        let created = Timestamp(nanoseconds: snapshot.createdAt).description
        return .object([
            ("architecture", .string(snapshot.architecture)),
            ("config", config),
            ("created_at", .string(created)),
            ("devices", devices),
            ("ephemeral", .bool(snapshot.ephemeral)),
            ("expanded_config", config),
            ("expanded_devices", .object(expandedDevices.sorted { $0.0 < $1.0 })),
            ("last_used_at", .string("1970-01-01T00:00:00Z")),
            ("name", .string(snapshot.name)),
            ("profiles", (try? JSONValue.parse(snapshot.profiles)) ?? .array([])),
            ("stateful", .bool(snapshot.stateful)),
            ("size", .int(-1)),
            (
                "expires_at",
                .string(snapshot.expiresAt.map { Timestamp(nanoseconds: $0).description } ?? "0001-01-01T00:00:00Z")
            ),
            ("description", .string(snapshot.description)),
        ])
    }

    /// What a snapshot's PUT replaces, hashed as LXD hashes it (`[expires_at]`).
    static func etag(_ snapshot: SnapshotRow) -> String {
        let expires = snapshot.expiresAt.map { Timestamp(nanoseconds: $0).description } ?? "0001-01-01T00:00:00Z"
        return ETag.of(.array([.string(expires)]))
    }
}
