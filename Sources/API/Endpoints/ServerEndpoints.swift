import Images
import Instances
import JSON
import Operations
import Store

/// `/` and `/1.0` (LXD's `api_1.0.go`).
enum ServerEndpoints {
    static func endpoints(_ context: APIContext) -> [Endpoint] {
        [
            // LXD answers `/` whatever the method.
            Endpoint(
                "/", get: root, put: root, post: root, patch: root, delete: root),
            Endpoint(
                "/1.0",
                get: .immediate(.untrusted) { request in getServer(request, context) },
                put: .deferred(.admin) { request in try await updateServer(request, context, merge: false) },
                patch: .deferred(.admin) { request in try await updateServer(request, context, merge: true) }),
        ]
    }

    static let root = Action.immediate(.untrusted) { _ in .sync(.strings(["/1.0"])) }

    /// Served from the cache: this is the request every `lxc` command starts with.
    static func getServer(_ request: APIRequest, _ context: APIContext) -> APIResponse {
        let snapshot = context.serverInfo.snapshot
        if request.trusted { return .encodedSync(body: snapshot.trustedBody, etag: snapshot.etag) }
        return .encodedSync(body: snapshot.untrustedBody)
    }

    /// `PUT /1.0` replaces the configuration, `PATCH /1.0` merges into it (LXD's `api10Put`/`api10Patch`).
    /// Validation happens before anything is written; the write is one transaction. A changed
    /// `core.https_address` is bound before the write and the old listener stopped after it.
    static func updateServer(_ request: APIRequest, _ context: APIContext, merge: Bool) async throws -> APIResponse {
        try request.checkIfMatch(currentETag: context.serverInfo.snapshot.etag)
        let body = try request.decodeBody(ServerPut.self)
        let changes = body.config ?? [:]
        try ServerConfigKeys.validate(changes.filter { !$0.value.isEmpty })
        let updated = try await context.httpsListener.change {
            var prospective = merge ? try context.database.read { try $0.config() } : [:]
            for (key, value) in changes { prospective[key] = value.isEmpty ? nil : value }
            return CoreConfigKeys.httpsListenAddress(prospective)
        } commit: {
            try context.database.write { connection in
                var config = merge ? try connection.config() : [:]
                for (key, value) in changes {
                    // As in LXD, an empty value unsets the key.
                    config[key] = value.isEmpty ? nil : value
                }
                try connection.replaceConfig(config)
                return config
            }
        }
        context.serverInfo.update(config: updated)
        context.serverInfo.update(addresses: await context.httpsListener.addresses)
        context.operations.reconfigure { OperationsConfigKeys.apply(updated, to: &$0) }
        await context.instances?.apply(InstancesConfigKeys.settings(updated))
        // LXD's lifecycle event for a server configuration change; only the changed keys' names,
        // as values may be secrets.
        await context.lifecycle.emit(
            action: "config-updated", source: "/1.0",
            context: .object([("keys", .strings(changes.keys.sorted()))]),
            requestor: OperationSubmitter.requestor(request.context))
        return .empty
    }
}
