import Foundation

@testable import API

/// A client certificate and key made by the real `openssl req`, as a user would for `lxc`.
struct TestCertificate: Sendable {
    let pem: String
    let der: [UInt8]
    let fingerprint: String

    /// `arguments` extend `openssl req -x509 -nodes`; the default is a one-day EC P-256 certificate.
    static func make(commonName: String, arguments: [String] = []) throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-cert-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments =
            [
                "req", "-x509", "-nodes", "-subj", "/CN=\(commonName)", "-keyout", directory + "/key.pem", "-out",
                directory + "/cert.pem",
            ]
            + (arguments.isEmpty
                ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-days", "1"] : arguments)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        let pem = try String(contentsOfFile: directory + "/cert.pem", encoding: .utf8)
        let parsed = try X509Certificate(pem: pem)
        return TestCertificate(pem: pem, der: parsed.der, fingerprint: parsed.fingerprint)
    }

    /// A certificate whose validity ended in 2020 (`openssl ca -selfsign` with explicit dates: `req`
    /// cannot back-date).
    static func makeExpired() throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-cert-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = """
            set -e; cd "$1"
            printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=%s/index\\nnew_certs_dir=%s\\nserial=%s/serial\\ndefault_md=sha256\\npolicy=p\\n[p]\\ncommonName=supplied\\n' "$1" "$1" "$1" > cfg
            : > index; echo 01 > serial
            openssl req -new -nodes -subj /CN=old -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout key.pem -out csr.pem
            openssl ca -selfsign -keyfile key.pem -in csr.pem -startdate 20190101000000Z -enddate 20200101000000Z \\
                -config cfg -batch -notext -out cert.pem
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh", directory]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        let pem = try String(contentsOfFile: directory + "/cert.pem", encoding: .utf8)
        let parsed = try X509Certificate(pem: pem)
        return TestCertificate(pem: pem, der: parsed.der, fingerprint: parsed.fingerprint)
    }

    var base64: String { Data(der).base64EncodedString() }

    /// Three certificates shared by the suites (making keys is the slow part).
    static let shared: [TestCertificate] = (0..<4).map { index in
        // A test cannot run without them; failing loudly here names the cause.
        guard let certificate = try? make(commonName: "client\(index)") else { fatalError("openssl req failed") }
        return certificate
    }
}
