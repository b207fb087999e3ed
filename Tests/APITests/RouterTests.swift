import HTTP
import Testing

@testable import API

@Suite struct RouterTests {
    let router = Router([
        Endpoint("/1.0", get: .immediate(.view) { _ in .empty }),
        Endpoint(
            "/1.0/instances/{name}", get: .immediate(.view) { _ in .empty }, delete: .immediate(.view) { _ in .empty }),
        Endpoint("/1.0/instances/{name}/state", put: .immediate(.view) { _ in .empty }),
    ])

    @Test func matchesStaticAndParameterisedPaths() {
        guard case .action(_, let none) = router.match(method: .get, components: ["1.0"]) else {
            Issue.record("static path did not match")
            return
        }
        #expect(none.isEmpty)
        guard
            case .action(_, let parameters) = router.match(
                method: .put, components: ["1.0", "instances", "c1", "state"])
        else {
            Issue.record("pattern did not match")
            return
        }
        #expect(parameters == ["name": "c1"])
    }

    @Test func headIsServedByGet() {
        guard case .action = router.match(method: .head, components: ["1.0"]) else {
            Issue.record("HEAD did not fall back to GET")
            return
        }
    }

    @Test func knownPathWithAnotherMethodIsNotAllowed() {
        guard case .methodNotAllowed = router.match(method: .post, components: ["1.0", "instances", "c1"]) else {
            Issue.record("expected methodNotAllowed")
            return
        }
    }

    @Test func unknownPathsAndExtraSegmentsAreNotFound() {
        for components in [["1.1"], ["1.0", "instances"], ["1.0", "instances", "c1", "state", "x"]] {
            guard case .notFound = router.match(method: .get, components: components) else {
                Issue.record("\(components) should not match")
                return
            }
        }
    }
}
