import Testing

@testable import HTTP

@Suite struct HTTPRequestQueryTests {
    @Test func queryItemsAreSplitAndDecoded() {
        let request = HTTPRequest(
            method: .get, target: "/1.0/events?type=logging,operation&project=my+proj%2Fx&flag&&=v")
        let items = request.queryItems
        #expect(items.map(\.name) == ["type", "project", "flag", ""])
        #expect(items.map(\.value) == ["logging,operation", "my proj/x", "", "v"])
        #expect(request.queryValue("project") == "my proj/x")
        #expect(request.queryValue("missing") == nil)
    }

    @Test func firstOfRepeatedNamesWins() {
        let request = HTTPRequest(method: .get, target: "/?a=1&a=2")
        #expect(request.queryValue("a") == "1")
        #expect(request.queryItems.count == 2)
    }

    @Test func targetWithoutQueryHasNoItems() {
        #expect(HTTPRequest(method: .get, target: "/1.0").queryItems.isEmpty)
        #expect(HTTPRequest(method: .get, target: "/1.0?").queryItems.isEmpty)
    }

    @Test func pathComponentsAreSplitBeforeDecoding() {
        let request = HTTPRequest(method: .get, target: "//1.0/instances/c%2F1//a+b%20c/?recursion=1")
        #expect(request.pathComponents == ["1.0", "instances", "c/1", "a+b c"])
        #expect(HTTPRequest(method: .get, target: "/").pathComponents.isEmpty)
    }
}
