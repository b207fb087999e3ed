import Foundation
import HTTP
import Testing

@testable import API

@Suite struct X509CertificateTests {
    @Test func parsesPEMAndDERToTheSameFingerprintAsOpenSSL() throws {
        let certificate = TestCertificate.shared[0]
        let fromPEM = try X509Certificate(pem: certificate.pem)
        let fromDER = try X509Certificate(der: fromPEM.der)
        #expect(fromDER == fromPEM)
        #expect(fromPEM.commonName == "client0")
        // `openssl x509 -fingerprint -sha256` prints the digest of the DER in colon-separated hex.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["x509", "-noout", "-fingerprint", "-sha256"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(certificate.pem.utf8))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = printed.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "") }?
            .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        #expect(fromPEM.fingerprint == expected)
        try fromPEM.validate()
    }

    @Test func pemIsServedWithSixtyFourCharacterLinesAndParsesBack() throws {
        let parsed = try X509Certificate(pem: TestCertificate.shared[1].pem)
        let lines = parsed.pem.split(separator: "\n")
        #expect(lines.first == "-----BEGIN CERTIFICATE-----" && lines.last == "-----END CERTIFICATE-----")
        #expect(lines.dropFirst().dropLast().dropLast().allSatisfy { $0.count == 64 })
        #expect(try X509Certificate(pem: parsed.pem) == parsed)
    }

    @Test func garbageIsInvalidCertificateMaterial() {
        #expect(throws: APIError.self) { try X509Certificate(der: Array("not a certificate".utf8)) }
        #expect(throws: APIError.self) { try X509Certificate(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n") }
        do {
            _ = try X509Certificate(der: [0x30, 0x03, 0x02, 0x01, 0x01])
            Issue.record("parsed a bare INTEGER as a certificate")
        } catch {
            #expect(error.status == .badRequest && error.message.hasPrefix("Invalid certificate material"))
        }
    }

    @Test func expiredAndWeakCertificatesAreRefusedWithLXDsMessages() throws {
        let expired = try TestCertificate.makeExpired()
        #expect(throws: APIError.badRequest("The provided certificate is expired")) {
            try X509Certificate(pem: expired.pem).validate()
        }
        let weak = try TestCertificate.make(commonName: "weak", arguments: ["-newkey", "rsa:1024", "-days", "1"])
        #expect(throws: APIError.badRequest("RSA key is too weak (minimum of 2048bit)")) {
            try X509Certificate(pem: weak.pem).validate()
        }
    }
}
