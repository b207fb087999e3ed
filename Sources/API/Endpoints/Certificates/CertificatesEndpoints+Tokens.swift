import Foundation
import HTTP
import Images
import JSON
import Operations
import Server
import Store

extension CertificatesEndpoints {
    /// `POST /1.0/certificates {"token": true}` from an admin: a token operation whose `202` carries
    /// what `lxc config trust add` encodes into the token (LXD's metadata keys). The secret is in
    /// that response only: the stored operation (and its events, which read-only callers may see)
    /// has an empty `secret`, and the job keeps just its hash, so reading operations never yields a
    /// way in.
    static func issueToken(_ body: PostBody, request: APIRequest, context: APIContext, server: ServerIdentity)
        async throws -> APIResponse
    {
        guard (body.type ?? "") == "client" else {
            throw APIError.badRequest("Tokens can only be issued for client certificates")
        }
        let addresses = server.addresses()
        let fingerprint = server.fingerprint()
        guard !addresses.isEmpty, !fingerprint.isEmpty else {
            throw APIError.badRequest("Can't issue token when server isn't listening on network")
        }
        let projects = try validProjects(body.projects ?? [])
        let secret = APITokenSecret.randomHex(bytes: 32)
        let expiry = AuthConfigKeys.tokenExpiry(context.serverInfo.snapshot.config, from: Date())
        let expiresAt = Int64((expiry.timeIntervalSince1970 * 1e9).rounded())
        let tokenRequest: JSONValue = .object([
            ("name", .string(body.name ?? "")),
            ("type", .string("client")),
            ("restricted", .bool(body.restricted ?? false)),
            ("projects", .strings(projects)),
            ("certificate", .string("")),
            ("password", .string("")),
            ("token", .bool(true)),
        ])
        // Keys in Go's (sorted) order of LXD's metadata map.
        func metadata(secret: String) -> JSONValue {
            .object([
                ("addresses", .strings(addresses)),
                ("expiresAt", .string(Timestamp(nanoseconds: expiresAt).description)),
                ("fingerprint", .string(fingerprint)),
                ("request", tokenRequest),
                ("secret", .string(secret)),
            ])
        }
        var submit = SubmitRequest(
            type: TrustTokenOperation.type, queueKey: "token/" + APITokenSecret.randomHex(bytes: 8),
            payload: .object([
                ("expires_at", .int(Int(expiresAt))),
                ("secret_sha256", .string(ETag.sha256Hex(Array(secret.utf8)))),
            ]),
            requestor: OperationSubmitter.requestor(request.context))
        submit.metadata = metadata(secret: "")
        let submission: OperationManager.Submission
        do {
            submission = try await context.operations.submit(submit)
        } catch let error as OperationsError {
            throw OperationsEndpoints.apiError(error)
        }
        var shown = submission.operation
        shown.metadata = metadata(secret: secret)
        return .raw(Envelope.async(shown))
    }

    /// An untrusted caller's token: a running token operation whose hash matches, not expired, not
    /// redeemed by anyone else. What it grants comes from the token's request, not from the caller.
    static func redeem(_ password: String, context: APIContext, waiters: TrustTokenWaiters) async throws -> PostBody {
        // Berth has no trust password: anything that is not a token is refused as a wrong password.
        guard let token = CertificateAddToken(encoded: password) else { throw APIError.forbidden }
        let noMatch = APIError(.forbidden, "No matching certificate add operation found")
        let presented = Array(ETag.sha256Hex(Array(token.secret.utf8)).utf8)
        let jobs = try context.database.read { try $0.jobs() }
        var found: (id: String, expiresAt: Int64)?
        for job in jobs {
            guard let payload = try? JSONValue.parse(job.payload),
                let stored = payload["secret_sha256"]?.stringValue,
                APITokenSecret.constantTimeEquals(presented, Array(stored.utf8))
            else { continue }
            found = (job.operationID, Int64(payload["expires_at"]?.intValue ?? 0))
        }
        guard let found, let operation = try context.operations.operation(id: found.id),
            // Pending: submitted, its step about to wait; the waiters keep the redemption for it.
            operation.type == TrustTokenOperation.type, operation.status == .running || operation.status == .pending
        else { throw noMatch }
        if found.expiresAt <= Timestamp.now().nanoseconds {
            _ = try? await context.operations.cancel(id: found.id)
            throw APIError(.forbidden, "Token has expired")
        }
        guard waiters.redeem(found.id) else { throw noMatch }
        let request = operation.metadata["request"]
        return PostBody(
            name: request?["name"]?.stringValue, type: request?["type"]?.stringValue ?? "client",
            restricted: request?["restricted"]?.boolValue ?? false,
            projects: request?["projects"]?.arrayValue?.compactMap(\.stringValue) ?? [], certificate: nil,
            password: nil, token: false)
    }
}
