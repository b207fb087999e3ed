import Images
import Instances
import JSON
import Operations
import Store

/// The `/1.0/vz` API of Berth's original specification, modelled on LXD's: the same instances and
/// operations as `/1.0/instances`, with `hostname` for the name and a measured `status.machine`.
/// Envelopes are LXD's; operations name their instance as `{"containers": ["/1.0/vz/<id>"]}`.
enum VZEndpoints {
    struct CreateBody: Decodable {
        var hostname: String?
        var config: [String: String]?
        var source: InstancesEndpoints.Source?
    }

    struct PutBody: Decodable {
        var hostname: String?
        var config: [String: String]?
    }

    static func resources(_ name: String) -> [String: [String]] { ["containers": ["/1.0/vz/\(name)"]] }

    static func endpoints(_ context: APIContext, service: InstanceService, images: ImageStore) -> [Endpoint] {
        [
            Endpoint(
                "/1.0/vz",
                get: .deferred(.view) { request in
                    let rows = try service.instances(project: request.project)
                    guard request.recursion >= 1 else {
                        return .sync(.array(rows.map { .string("/1.0/vz/\($0.name)") }))
                    }
                    return .sync(.array(await measured(rows, service: service)))
                },
                post: .deferred(.operate) { request in
                    let body = try request.decodeBody(CreateBody.self)
                    guard let hostname = body.hostname, !hostname.isEmpty else {
                        throw APIError.badRequest("Must specify a hostname")
                    }
                    var create = InstancesEndpoints.CreateBody()
                    create.name = hostname
                    create.config = body.config
                    create.source = body.source
                    return try await InstancesEndpoints.create(
                        create, request: request, context: context, service: service, images: images,
                        resources: resources)
                }),
            Endpoint(
                "/1.0/vz/{name}",
                get: .deferred(.view) { request in
                    let row = try InstancesEndpoints.target(request, service)
                    let (state, machine) = await service.machine(row)
                    return .sync(
                        VZJSON.instance(row, state: state, machine: machine), etag: InstanceWritable(row).etag)
                },
                put: .deferred(.operate) { request in
                    let row = try InstancesEndpoints.target(request, service)
                    let current = InstanceWritable(row)
                    try request.checkIfMatch(currentETag: current.etag)
                    let body = try request.decodeBody(PutBody.self)
                    if let hostname = body.hostname, !hostname.isEmpty, hostname != row.name {
                        throw APIError.badRequest(
                            "The hostname is the instance's name; rename with POST /1.0/instances/\(row.name)")
                    }
                    var values = current
                    values.config = body.config ?? [:]
                    values = values.keepingVolatileKeys(of: current)
                    try await service.check(values, name: row.name, type: row.type, current: current)
                    return try await OperationSubmitter.submit(
                        InstancesEndpoints.updateRequest(
                            row, from: current, to: values, project: request.project, resources: resources(row.name)),
                        for: request, context: context)
                },
                delete: .deferred(.operate) { request in
                    try await InstancesEndpoints.delete(
                        InstancesEndpoints.target(request, service), request: request, context: context,
                        service: service, resources: resources(request.parameters["name"] ?? ""))
                }),
            Endpoint(
                "/1.0/vz/{name}/state",
                get: .deferred(.view) { request in
                    let row = try InstancesEndpoints.target(request, service)
                    return .sync(InstanceJSON.state(await service.state(row)))
                },
                put: .deferred(.operate) { request in
                    let row = try InstancesEndpoints.target(request, service)
                    return try await InstancesEndpoints.changeState(
                        row, request: request, context: context, resources: resources(row.name))
                }),
        ]
    }

    /// Each instance measured, concurrently: a first look at an instance's CPU takes 200 ms.
    static func measured(_ rows: [InstanceRow], service: InstanceService) async -> [JSONValue] {
        await withTaskGroup(of: (Int, JSONValue).self) { group in
            for (index, row) in rows.enumerated() {
                group.addTask {
                    let (state, machine) = await service.machine(row)
                    return (index, VZJSON.instance(row, state: state, machine: machine))
                }
            }
            var values = [JSONValue](repeating: .null, count: rows.count)
            for await (index, value) in group { values[index] = value }
            return values
        }
    }
}
