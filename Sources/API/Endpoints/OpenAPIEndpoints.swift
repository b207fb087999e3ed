import HTTP

/// `GET /1.0/openapi.yaml`: the OpenAPI document of this API. It is compiled into the binary
/// (`OpenAPIDocument`, generated from `specs/openapi.yaml`), so a daemon always serves the
/// description of the code it runs, wherever it was installed.
enum OpenAPIEndpoints {
    static func endpoints(_ context: APIContext) -> [Endpoint] {
        [Endpoint("/1.0/openapi.yaml", get: .immediate(.authenticated) { _ in document })]
    }

    static let document = APIResponse.raw(
        HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/yaml", "X-Content-Type-Options": "nosniff"],
            body: Array(OpenAPIDocument.yaml.utf8)))
}
