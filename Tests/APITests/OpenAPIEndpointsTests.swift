import Foundation
import HTTP
import Server
import Testing

@testable import API

@Suite struct OpenAPIEndpointsTests {
    /// `specs/openapi.yaml`, found from this file's path (Tests/APITests/ → the package root).
    static let specPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("specs/openapi.yaml").path

    @Test func theEmbeddedDocumentIsTheSpecFileByteForByte() throws {
        let file = try #require(FileManager.default.contents(atPath: Self.specPath), "cannot read \(Self.specPath)")
        #expect(
            Array(OpenAPIDocument.yaml.utf8) == Array(file),
            "Sources/API/Endpoints/OpenAPIDocument.swift is stale: run scripts/embed-openapi.sh")
    }

    @Test func trustedCallersGetTheDocumentAsYAML() async throws {
        let harness = try APITestHarness()
        let result = await harness.send(.get, "/1.0/openapi.yaml")
        #expect(result.status == 200)
        #expect(result.response.headers["Content-Type"] == "application/yaml")
        #expect(result.text == OpenAPIDocument.yaml)
        #expect(result.text.hasPrefix("openapi: 3.1"))
    }

    @Test func untrustedCallersAreRefused() async throws {
        let harness = try APITestHarness()
        let result = await harness.send(.get, "/1.0/openapi.yaml", transport: .tcp)
        #expect(result.status == 403)
        #expect(!result.text.contains("openapi:"))
    }
}
