import API
import HTTP
import JSON

/// `GET /1.0/testing/routes`: Berth's own route table (`BerthAPI.endpoints`, without the test
/// daemon's additions) as `[{"path": "/1.0/instances/{name}", "methods": ["DELETE", "GET", …]}]`,
/// so `Tests/EndToEnd/test_openapi.py` can hold `specs/openapi.yaml` to exactly what the router
/// serves, in both directions.
enum TestRoutes {
    static func endpoint(_ context: APIContext) -> Endpoint {
        Endpoint(
            "/1.0/testing/routes",
            get: .immediate(.authenticated) { _ in
                .sync(
                    .array(
                        BerthAPI.endpoints(context).map { endpoint in
                            .object([
                                ("path", .string(endpoint.path.description)),
                                ("methods", .strings(endpoint.actions.keys.map(\.rawValue).sorted())),
                            ])
                        }))
            })
    }
}
