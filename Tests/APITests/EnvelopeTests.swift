import HTTP
import JSON
import Testing

@testable import API

@Suite struct EnvelopeTests {
    @Test func syncEnvelopeHasAllSevenFieldsInLXDsOrder() {
        let response = Envelope.sync(.object([("name", .string("web1"))]))
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{"name":"web1"}}"#
        )
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.status == .ok)
    }

    @Test func errorEnvelopeMatchesLXDByteForByte() {
        let response = Envelope.error(APIError(.notFound, "Instance not found"))
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"type":"error","status":"","status_code":0,"operation":"","error_code":404,"error":"Instance not found","metadata":null}"#
        )
        #expect(response.status.code == 404)
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
    }

    @Test func createdEnvelopeCarriesLocation() {
        let response = Envelope.sync(.null, status: .created, location: "/1.0/images/aliases/busybox")
        #expect(response.status.code == 201)
        #expect(response.headers["Location"] == "/1.0/images/aliases/busybox")
    }

    @Test func etagIsQuotedSHA256OfTheJSON() {
        // sha256("{}")
        #expect(ETag.of(.object([])) == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        let response = Envelope.sync(.object([]), etag: "abc")
        #expect(response.headers["ETag"] == "\"abc\"")
    }
}
