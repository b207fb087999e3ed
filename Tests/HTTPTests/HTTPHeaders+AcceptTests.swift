import HTTP
import Testing

@Suite struct HTTPHeadersAcceptTests {
    @Test func mediaTypesInOrderAcrossHeadersWithoutParameters() {
        var headers: HTTPHeaders = ["Accept": "Application/X-NDJSON; q=0.5, text/event-stream"]
        headers.add(name: "accept", value: " application/json ;charset=utf-8,*/*")
        #expect(
            headers.acceptedMediaTypes == [
                "application/x-ndjson", "text/event-stream", "application/json", "*/*",
            ])
        #expect(HTTPHeaders().acceptedMediaTypes == [])
    }
}
