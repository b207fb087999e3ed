import Testing

@testable import Server

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8443", ListenAddress.tcp(host: "127.0.0.1", port: 8443)),
        ("[::1]:8443", ListenAddress.tcp(host: "::1", port: 8443)),
        ("0.0.0.0:0", ListenAddress.tcp(host: "0.0.0.0", port: 0)),
    ])
    func parsesNumericAddresses(text: String, expected: ListenAddress) {
        #expect(ListenAddress.parseTCP(text) == expected)
    }

    @Test(arguments: ["localhost:80", "127.0.0.1", "127.0.0.1:99999", "[::1]8443", ":80", "1.2.3.4:x"])
    func rejectsOtherForms(text: String) {
        #expect(ListenAddress.parseTCP(text) == nil)
    }

    @Test(arguments: [
        ("127.0.0.1:8443", ListenAddress.tls(host: "127.0.0.1", port: 8443)),
        ("[::1]:9443", ListenAddress.tls(host: "::1", port: 9443)),
        ("10.0.0.1", ListenAddress.tls(host: "10.0.0.1", port: 8443)),
        ("::1", ListenAddress.tls(host: "::1", port: 8443)),
        ("[::]", ListenAddress.tls(host: "::", port: 8443)),
        (":7443", ListenAddress.tls(host: "::", port: 7443)),
    ])
    func parsesHTTPSAddressesAsLXDTakesCoreHTTPSAddress(text: String, expected: ListenAddress) {
        #expect(ListenAddress.parseTLS(text) == expected)
    }

    @Test(arguments: ["localhost:8443", "127.0.0.1:99999", "[::1]8443", "1.2.3.4:x", "", ":"])
    func rejectsHTTPSAddressesThatAreNotNumeric(text: String) {
        #expect(ListenAddress.parseTLS(text) == nil)
    }
}
