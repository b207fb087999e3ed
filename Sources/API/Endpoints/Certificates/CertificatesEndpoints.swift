import Foundation
import HTTP
import Images
import JSON
import Operations
import Server
import Store

/// `/1.0/certificates` and `/1.0/certificates/<fingerprint>`: the trust store (LXD's
/// `lxd/certificates.go`). Adding a certificate is admin work, except for the one thing an
/// untrusted caller may do at all: redeem a trust token with its own TLS certificate.
enum CertificatesEndpoints {
    /// `POST /1.0/certificates` (LXD's `api.CertificatesPost`).
    struct PostBody: Decodable {
        var name: String?
        var type: String?
        var restricted: Bool?
        var projects: [String]?
        var certificate: String?
        var password: String?
        var token: Bool?
    }

    static func endpoints(_ context: APIContext, server: ServerIdentity, waiters: TrustTokenWaiters) -> [Endpoint] {
        [
            Endpoint(
                "/1.0/certificates",
                get: .deferred(.authenticated) { request in try list(request, context: context) },
                post: .deferred(.untrusted) { request in
                    try await post(request, context: context, server: server, waiters: waiters)
                }),
            Endpoint(
                "/1.0/certificates/{fingerprint}",
                get: .deferred(.authenticated) { request in
                    let row = try find(request, context: context)
                    return .sync(CertificateJSON.json(row), etag: CertificateJSON.etag(row))
                },
                put: .deferred(.authenticated) { request in try await update(request, context: context, merge: false) },
                patch: .deferred(.authenticated) { request in try await update(request, context: context, merge: true)
                },
                delete: .deferred(.admin) { request in try await delete(request, context: context) }),
        ]
    }

    static func list(_ request: APIRequest, context: APIContext) throws -> APIResponse {
        let rows = try context.database.read { try $0.certificates() }
        if request.recursion > 0 { return .sync(.array(rows.map(CertificateJSON.json))) }
        return .sync(.strings(rows.map { CertificateJSON.url($0.fingerprint) }))
    }

    /// LXD's `GetCertificateByFingerprintPrefix`: any unique prefix names a certificate.
    static func find(_ request: APIRequest, context: APIContext) throws -> CertificateRow {
        let prefix = request.parameters["fingerprint"] ?? ""
        let rows = try context.database.read { try $0.certificates(fingerprintPrefix: prefix) }
        guard let row = rows.first else { throw APIError(.notFound, "Certificate not found") }
        guard rows.count == 1 else { throw APIError.badRequest("More than one certificate matches") }
        return row
    }

    static func post(_ request: APIRequest, context: APIContext, server: ServerIdentity, waiters: TrustTokenWaiters)
        async throws -> APIResponse
    {
        var body = try request.decodeBody(PostBody.self)
        let wantsToken = body.token ?? false
        if wantsToken && !(body.certificate ?? "").isEmpty {
            throw APIError.badRequest("Can't use certificate if token is requested")
        }
        if request.identity.isTrusted && (body.certificate ?? "").isEmpty && !wantsToken {
            throw APIError.badRequest("Client is already trusted")
        }
        if !request.identity.isAdmin {
            // Not an admin: the only way in is a trust token (Berth has no trust password).
            guard !wantsToken, let password = body.password, !password.isEmpty else { throw APIError.forbidden }
            // The certificate to trust is checked before the token is spent on it.
            try X509Certificate(der: try presentedCertificate(request)).validate()
            body = try await redeem(password, context: context, waiters: waiters)
        } else if wantsToken {
            return try await issueToken(body, request: request, context: context, server: server)
        }
        guard (body.type ?? "") == "client" else {
            throw APIError.badRequest("Invalid certificate type \"\(body.type ?? "")\"")
        }
        let projects = try validProjects(body.projects ?? [])

        // After a redemption this is the token's request, which never names a certificate: the
        // caller's own TLS certificate is the one trusted.
        let certificate = body.certificate ?? ""
        let parsed: X509Certificate
        if !certificate.isEmpty {
            guard let der = Data(base64Encoded: certificate) else {
                throw APIError.badRequest("illegal base64 data in certificate")
            }
            parsed = try X509Certificate(der: Array(der))
        } else {
            parsed = try X509Certificate(der: try presentedCertificate(request))
        }
        try parsed.validate()

        var name = body.name ?? ""
        if name.isEmpty { name = parsed.commonName }
        if name.isEmpty, case .tcp(let address, _) = request.context.peer { name = address }
        let row = CertificateRow(
            fingerprint: parsed.fingerprint, name: name, type: "client", restricted: body.restricted ?? false,
            projects: CertificateJSON.projectsText(projects), certificate: parsed.pem,
            createdAt: Timestamp.now().nanoseconds)
        try context.database.write { connection in
            guard try connection.certificates(fingerprintPrefix: row.fingerprint).isEmpty else {
                throw APIError.conflict("Certificate already in trust store")
            }
            try connection.insertCertificate(row)
        }
        try context.trust.reload()
        let url = CertificateJSON.url(row.fingerprint)
        await context.lifecycle.emit(
            action: "certificate-created", source: url, context: nil,
            requestor: OperationSubmitter.requestor(request.context))
        return .sync(.null, status: .created, location: url)
    }

    /// The caller's TLS client certificate, with LXD's errors when there is none.
    static func presentedCertificate(_ request: APIRequest) throws(APIError) -> [UInt8] {
        guard request.context.transport == .tls else {
            throw APIError.badRequest("Can't use TLS data on non-TLS link")
        }
        guard let presented = request.context.peerCertificate else {
            throw APIError.badRequest("No client certificate provided")
        }
        return presented.der
    }

    static func delete(_ request: APIRequest, context: APIContext) async throws -> APIResponse {
        let row = try find(request, context: context)
        try context.database.write { try $0.deleteCertificate(fingerprint: row.fingerprint) }
        try context.trust.reload()
        await context.lifecycle.emit(
            action: "certificate-deleted", source: CertificateJSON.url(row.fingerprint), context: nil,
            requestor: OperationSubmitter.requestor(request.context))
        return .empty
    }

    /// Only `default` exists; a restriction to anything else would restrict to nothing.
    static func validProjects(_ projects: [String]) throws(APIError) -> [String] {
        for project in projects where project != "default" {
            throw APIError(.notFound, "Project \"\(project)\" not found")
        }
        return projects
    }
}
