import HTTP
import Instances
import JSON
import Store

/// `/1.0/profiles` and `/1.0/storage-pools`, read-only: one `default` profile with a root disk on
/// one `dir` pool named `default`, which is what clients expect to find (`lxc profile show
/// default`, `lxc storage list`) until profiles and pools can be managed.
enum ProfilesEndpoints {
    static func endpoints(_ context: APIContext, service: InstanceService, containersDirectory: String) -> [Endpoint] {
        @Sendable func instanceURLs() throws -> [JSONValue] {
            try service.instances(project: nil).map { .string("/1.0/instances/\($0.name)") }
        }
        @Sendable func profile() throws -> JSONValue {
            .object([
                ("config", .object([])),
                ("description", .string("Default Berth profile")),
                ("devices", InstanceJSON.rootDisk),
                ("name", .string("default")),
                ("used_by", .array(try instanceURLs())),
            ])
        }
        @Sendable func pool() throws -> JSONValue {
            .object([
                ("config", .object([("source", .string(containersDirectory))])),
                ("description", .string("")),
                ("name", .string("default")),
                ("driver", .string("dir")),
                ("used_by", .array(try instanceURLs() + [.string("/1.0/profiles/default")])),
                ("status", .string("Created")),
                ("locations", .array([.string("none")])),
            ])
        }
        return [
            Endpoint(
                "/1.0/profiles",
                get: .deferred(.view) { request in
                    .sync(.array([request.recursion >= 1 ? try profile() : .string("/1.0/profiles/default")]))
                }),
            Endpoint(
                "/1.0/profiles/{name}",
                get: .deferred(.view) { request in
                    guard request.parameters["name"] == "default" else {
                        throw APIError(.notFound, "Profile not found")
                    }
                    return .sync(try profile())
                }),
            Endpoint(
                "/1.0/storage-pools",
                get: .deferred(.view) { request in
                    .sync(.array([request.recursion >= 1 ? try pool() : .string("/1.0/storage-pools/default")]))
                }),
            Endpoint(
                "/1.0/storage-pools/{name}",
                get: .deferred(.view) { request in
                    guard request.parameters["name"] == "default" else {
                        throw APIError(.notFound, "Storage pool not found")
                    }
                    return .sync(try pool())
                }),
        ]
    }
}
