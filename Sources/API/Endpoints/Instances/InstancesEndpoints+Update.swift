import Instances
import JSON
import Operations
import Store

extension InstancesEndpoints {
    /// `PUT /1.0/instances/<name>` (LXD's `api.InstancePut`): a full replace of the writable
    /// fields, as an `Updating instance` operation. The request's `If-Match` is checked here and the
    /// ETag it matched is checked again when the operation runs, so a change queued in between is
    /// not silently overwritten.
    static func put(_ request: APIRequest, context: APIContext, service: InstanceService) async throws
        -> APIResponse
    {
        let row = try target(request, service)
        let current = InstanceWritable(row)
        try request.checkIfMatch(currentETag: current.etag)
        let body = try request.decodeBody(PutBody.self)
        if let restore = body.restore, !restore.isEmpty {
            return try await InstanceSnapshotsEndpoints.restore(
                row, snapshot: restore, request: request, context: context, service: service)
        }
        let values = InstanceWritable(
            architecture: body.architecture.flatMap { $0.isEmpty ? nil : $0 } ?? current.architecture,
            description: body.description ?? "", ephemeral: body.ephemeral ?? false, config: body.config ?? [:],
            devices: body.devices ?? [:], profiles: body.profiles ?? []
        ).keepingVolatileKeys(of: current)
        try await service.check(values, name: row.name, type: row.type, current: current)
        return try await OperationSubmitter.submit(
            updateRequest(row, from: current, to: values, project: request.project), for: request, context: context)
    }

    /// `PATCH /1.0/instances/<name>`: the fields present replace, `config` and `devices` merge per
    /// key (an empty config value removes the key). Synchronous, as in LXD: answers once applied.
    static func patch(_ request: APIRequest, context: APIContext, service: InstanceService) async throws
        -> APIResponse
    {
        let row = try target(request, service)
        let current = InstanceWritable(row)
        try request.checkIfMatch(currentETag: current.etag)
        let body = try request.decodeBody(PutBody.self)
        if body.restore != nil { throw APIError.badRequest("Can't call PATCH in restore mode") }
        var values = current
        if let architecture = body.architecture, !architecture.isEmpty { values.architecture = architecture }
        if let description = body.description { values.description = description }
        if let ephemeral = body.ephemeral { values.ephemeral = ephemeral }
        if let profiles = body.profiles { values.profiles = profiles }
        for (key, value) in body.config ?? [:] { values.config[key] = value.isEmpty ? nil : value }
        for (key, value) in body.devices ?? [:] { values.devices[key] = value }
        try await service.check(values, name: row.name, type: row.type, current: current)
        try await OperationSubmitter.submitAndWait(
            updateRequest(row, from: current, to: values, project: request.project), for: request, context: context)
        return .empty
    }

    /// The `instance.update` operation for a checked change.
    static func updateRequest(
        _ row: InstanceRow, from current: InstanceWritable, to values: InstanceWritable, project: String,
        resources: [String: [String]]? = nil
    ) -> SubmitRequest {
        submitRequest(
            InstanceService.updateType, row: row, description: nil,
            payload: [("if_match", .string(current.etag)), ("values", values.json)], resources: resources)
    }

    struct PutBody: Decodable {
        var architecture: String?
        var config: [String: String]?
        var devices: [String: [String: String]]?
        var ephemeral: Bool?
        var profiles: [String]?
        var description: String?
        var restore: String?
        var stateful: Bool?
    }
}
