import HTTP
import Images
import Instances
import JSON
import Operations
import Store

extension InstancesEndpoints {
    /// `POST /1.0/instances`: everything LXD would refuse is refused here, before the name is
    /// reserved and the create operation queued.
    static func create(_ request: APIRequest, context: APIContext, service: InstanceService, images: ImageStore)
        async throws -> APIResponse
    {
        try await create(
            request.decodeBody(CreateBody.self), request: request, context: context, service: service, images: images)
    }

    /// Creates what `body` describes; `resources` names the new instance in the operation (LXD's
    /// collections by default, the `/1.0/vz` tree for its own requests).
    static func create(
        _ body: CreateBody, request: APIRequest, context: APIContext, service: InstanceService, images: ImageStore,
        resources: ((String) -> [String: [String]])? = nil
    ) async throws -> APIResponse {
        let requestedType = body.type.flatMap { $0.isEmpty ? nil : $0 }
        var type = requestedType ?? InstanceDrivers.containerType
        guard [InstanceDrivers.containerType, InstanceDrivers.virtualMachineType].contains(type) else {
            throw APIError.badRequest("Invalid instance type \"\(type)\"")
        }
        var name = body.name ?? ""
        if name.isEmpty {
            name = InstanceName.generated { candidate in
                (try? context.database.read { try $0.instance(name: candidate, project: request.project) }) != nil
            }
        }
        if let problem = InstanceName.problem(name) { throw APIError.badRequest(problem) }
        let source = body.source ?? Source()
        var values: InstanceWritable
        var imageFingerprint: String?
        var payload: [(String, JSONValue)] = []
        switch source.type ?? "" {
        case "image":
            if let server = source.server, !server.isEmpty {
                throw APIError.badRequest("Remote image servers are not supported; import the image first")
            }
            let image = try resolveImage(source, images: images, context: context)
            guard image.type == type else {
                throw APIError.badRequest(
                    "Requested image's type \"\(image.type)\" doesn't match instance type \"\(type)\"")
            }
            var config: [String: String] = [:]
            for (key, value) in (try? JSONValue.parse(image.properties))?.objectValue ?? [] {
                if let text = value.stringValue { config["image." + key] = text }
            }
            config["volatile.base_image"] = image.fingerprint
            values = InstanceWritable(
                architecture: image.architecture, description: "", ephemeral: false, config: config, devices: [:],
                profiles: ["default"])
            imageFingerprint = image.fingerprint
        case "none":
            guard type == InstanceDrivers.containerType else {
                throw APIError.badRequest("A virtual machine needs an image to boot from (source type image)")
            }
            values = InstanceWritable(
                architecture: HostFacts.machine, description: "", ephemeral: false, config: [:], devices: [:],
                profiles: ["default"])
        case "copy":
            guard let from = source.source, !from.isEmpty else {
                throw APIError.badRequest("Must specify a source instance")
            }
            let parts = from.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let original = try service.instance(name: parts[0], project: request.project)
            // A copy is of its source's type; naming another type is a mistake, not a conversion.
            if let requestedType, requestedType != original.type {
                throw APIError.badRequest(
                    "Requested instance type \"\(requestedType)\" doesn't match the source's type \"\(original.type)\"")
            }
            type = original.type
            if parts.count == 2 {
                values = InstanceService.writable(
                    try service.snapshot(instance: parts[0], name: parts[1], project: request.project))
            } else {
                values = InstanceWritable(original)
                values.description = original.description
            }
            // LXD keeps the base image but not the source's other runtime state.
            values.config = values.config.filter { !$0.key.hasPrefix("volatile.") || $0.key == "volatile.base_image" }
            imageFingerprint = original.imageFingerprint
            payload.append(("copy_from", .string(from)))
        case "":
            throw APIError.badRequest("Must specify a source (image, none or copy)")
        case let other:
            throw APIError.badRequest("Unknown source type \(other)")
        }
        values.description = body.description ?? values.description
        values.ephemeral = body.ephemeral ?? values.ephemeral
        values.profiles = body.profiles ?? values.profiles
        for (key, value) in body.config ?? [:] { values.config[key] = value }
        if let devices = body.devices { values.devices = devices }
        if let instanceType = body.instanceType, !instanceType.isEmpty {
            values.config = try InstanceConfig.applyingInstanceType(instanceType, to: values.config)
        }
        try await service.check(values, name: name, type: type, current: nil)
        let row = values.applied(
            to: InstanceRow(
                name: name, project: request.project, type: type, architecture: values.architecture,
                description: "", ephemeral: false, stateful: body.stateful ?? false, config: "{}", devices: "{}",
                profiles: "[]", imageFingerprint: imageFingerprint, createdAt: Timestamp.now().nanoseconds,
                lastUsedAt: nil, phase: .creating))
        try service.reserve(row)
        do {
            return try await OperationSubmitter.submit(
                submitRequest(
                    InstanceService.createType, row: row, description: nil, payload: payload,
                    resources: resources?(row.name)),
                for: request, context: context)
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
}
