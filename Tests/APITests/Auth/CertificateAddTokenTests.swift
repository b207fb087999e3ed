import Foundation
import Testing

@testable import API

@Suite struct CertificateAddTokenTests {
    /// A token as LXD 5.0.2's `CertificateAddToken.String()` encodes one: Go's field order, zero expiry.
    static let lxdToken =
        "eyJjbGllbnRfbmFtZSI6ImMxIiwiZmluZ2VycHJpbnQiOiJhYmNkIiwiYWRkcmVzc2VzIjpbIjEwLjAuMC4xOjg0NDMiXSwic2VjcmV0IjoiczNjcjN0IiwiZXhwaXJlc19hdCI6IjAwMDEtMDEtMDFUMDA6MDA6MDBaIn0="

    @Test func decodesTheTokenLXDPrints() throws {
        let token = try #require(CertificateAddToken(encoded: Self.lxdToken))
        #expect(token.clientName == "c1")
        #expect(token.fingerprint == "abcd")
        #expect(token.addresses == ["10.0.0.1:8443"])
        #expect(token.secret == "s3cr3t")
        #expect(token.expiresAt == "0001-01-01T00:00:00Z")
    }

    @Test func roundTripsWithLXDsKeys() throws {
        let token = CertificateAddToken(
            clientName: "x", fingerprint: "ff", addresses: ["[::1]:8443"], secret: "s",
            expiresAt: "2030-01-01T00:00:00Z")
        let json = try #require(Data(base64Encoded: token.encoded)).map { Character(UnicodeScalar($0)) }
        #expect(String(json).contains("\"client_name\":\"x\""))
        #expect(String(json).contains("\"expires_at\":\"2030-01-01T00:00:00Z\""))
        #expect(CertificateAddToken(encoded: token.encoded) == token)
    }

    @Test func tokensMissingWhatLXDRequiresAreNotTokens() {
        for token in [
            CertificateAddToken(clientName: "", fingerprint: "f", addresses: ["a"], secret: "s", expiresAt: ""),
            CertificateAddToken(clientName: "c", fingerprint: "", addresses: ["a"], secret: "s", expiresAt: ""),
            CertificateAddToken(clientName: "c", fingerprint: "f", addresses: [], secret: "s", expiresAt: ""),
            CertificateAddToken(clientName: "c", fingerprint: "f", addresses: ["a"], secret: "", expiresAt: ""),
        ] {
            #expect(CertificateAddToken(encoded: token.encoded) == nil)
        }
        #expect(CertificateAddToken(encoded: "trust-password") == nil)
    }
}
