import Foundation
import Testing

@testable import Server

@Suite struct TLSIdentityTests {
    /// `openssl x509 -text` of `pem`: an independent reading of what was generated.
    private func describe(_ pem: String) throws -> String {
        try run("/usr/bin/openssl", ["x509", "-noout", "-text", "-fingerprint", "-sha256"], input: pem)
    }

    private func run(_ path: String, _ arguments: [String], input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    @Test func aGeneratedServerCertificateIsLikeLXDs() throws {
        let identity = try TLSIdentity.generateSelfSigned(
            commonName: "root@host1", dnsNames: ["host1"], ipAddresses: ["127.0.0.1", "::1"])
        let text = try describe(identity.certificatePEM)
        #expect(text.contains("Subject: O = berth, CN = root@host1"))
        #expect(text.contains("Issuer: O = berth, CN = root@host1"))
        #expect(text.contains("NIST CURVE: P-384"))
        #expect(text.contains("ecdsa-with-SHA384"))
        #expect(text.contains("DNS:host1, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"))
        #expect(text.contains("TLS Web Server Authentication"))
        #expect(text.contains("CA:FALSE"))
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(text.contains("Not After : ") && text.contains(" \(year + 10) GMT"))
        // openssl prints AA:BB:…; LXD's form is the same digest in lowercase hex without colons.
        let printed = text.split(separator: "\n").first { $0.hasPrefix("sha256 Fingerprint=") }
        #expect(
            printed.map {
                $0.dropFirst("sha256 Fingerprint=".count).replacingOccurrences(of: ":", with: "").lowercased()
            }
                == identity.fingerprint)
        #expect(identity.fingerprint.count == 64)
    }

    @Test func eachGeneratedIdentityIsNew() throws {
        let first = try TLSIdentity.generateSelfSigned(commonName: "a")
        let second = try TLSIdentity.generateSelfSigned(commonName: "a")
        #expect(first.fingerprint != second.fingerprint)
        #expect(first.privateKeyPEM != second.privateKeyPEM)
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefused() throws {
        let first = try TLSIdentity.generateSelfSigned(commonName: "a")
        let second = try TLSIdentity.generateSelfSigned(commonName: "b")
        #expect(throws: TLSError.self) {
            try TLSIdentity(certificatePEM: first.certificatePEM, privateKeyPEM: second.privateKeyPEM)
        }
        #expect(throws: TLSError.self) {
            try TLSIdentity(certificatePEM: "not a certificate", privateKeyPEM: first.privateKeyPEM)
        }
    }

    @Test func loadOrCreateWritesOnceWithAPrivateKeyAndReusesAfterwards() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "berth-identity-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificatePath = directory + "/server.crt"
        let keyPath = directory + "/server.key"
        var made = 0
        let make = { () throws(TLSError) -> TLSIdentity in
            made += 1
            return try TLSIdentity.generateSelfSigned(commonName: "root@x")
        }

        let first = try TLSIdentity.loadOrCreate(certificatePath: certificatePath, keyPath: keyPath, create: make)
        let second = try TLSIdentity.loadOrCreate(certificatePath: certificatePath, keyPath: keyPath, create: make)
        #expect(made == 1)
        #expect(second == first)
        let keyMode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        let certificateMode =
            try FileManager.default.attributesOfItem(atPath: certificatePath)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        #expect(certificateMode == 0o644)
        #expect(try String(contentsOfFile: certificatePath, encoding: .utf8) == first.certificatePEM)
        #expect(!FileManager.default.fileExists(atPath: keyPath + ".tmp"))

        // A key without its certificate is of no use to anyone: both are made again.
        try FileManager.default.removeItem(atPath: certificatePath)
        let third = try TLSIdentity.loadOrCreate(certificatePath: certificatePath, keyPath: keyPath, create: make)
        #expect(made == 2)
        #expect(third != first)
    }
}
