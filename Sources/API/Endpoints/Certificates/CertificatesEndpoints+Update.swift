import Foundation
import HTTP
import Images
import JSON
import Operations
import Server
import Store

extension CertificatesEndpoints {
    /// `PUT`/`PATCH /1.0/certificates/<fingerprint>` (LXD's `api.CertificatePut`); `PATCH` keeps what
    /// the body leaves out.
    struct PutBody: Decodable {
        var name: String?
        var type: String?
        var restricted: Bool?
        var projects: [String]?
        var certificate: String?
    }

    /// LXD's `doCertificateUpdate`: admins change anything; other trusted callers may only replace
    /// their own certificate, and nothing else about it.
    static func update(_ request: APIRequest, context: APIContext, merge: Bool) async throws -> APIResponse {
        let current = try find(request, context: context)
        try request.checkIfMatch(currentETag: CertificateJSON.etag(current))
        let body = try request.decodeBody(PutBody.self)
        let currentProjects = TrustStore.projects(current.projects)
        let name = body.name ?? (merge ? current.name : "")
        let type = body.type ?? (merge ? current.type : "")
        let restricted = body.restricted ?? (merge ? current.restricted : false)
        let projects = body.projects ?? (merge ? currentProjects : [])
        guard type == "client" else { throw APIError.badRequest("Invalid certificate type \"\(type)\"") }

        var replacement: X509Certificate?
        if let pem = body.certificate, !pem.isEmpty, pem != current.certificate {
            let parsed = try X509Certificate(pem: pem)
            try parsed.validate()
            replacement = parsed
        }
        if !request.identity.isAdmin {
            guard name == current.name, restricted == current.restricted, projects == currentProjects else {
                throw APIError(.forbidden, "Only the certificate can be changed")
            }
            // Only the holder of the old certificate may swap it for a new one.
            if replacement != nil, request.context.peerCertificate?.fingerprint != current.fingerprint {
                throw APIError(.forbidden, "Certificate cannot be changed")
            }
        }
        let row = CertificateRow(
            fingerprint: replacement?.fingerprint ?? current.fingerprint, name: name, type: type,
            restricted: restricted, projects: CertificateJSON.projectsText(try validProjects(projects)),
            certificate: replacement?.pem ?? current.certificate, createdAt: current.createdAt)
        try context.database.write { connection in
            if row.fingerprint != current.fingerprint,
                !(try connection.certificates(fingerprintPrefix: row.fingerprint).isEmpty)
            {
                throw APIError.conflict("Certificate already in trust store")
            }
            try connection.updateCertificate(fingerprint: current.fingerprint, to: row)
        }
        try context.trust.reload()
        await context.lifecycle.emit(
            action: "certificate-updated", source: CertificateJSON.url(current.fingerprint), context: nil,
            requestor: OperationSubmitter.requestor(request.context))
        return .empty
    }
}
