import COpenSSL
import HTTP
import JSON
import Operations
import Server

/// How every endpoint that creates an operation answers: durable first, then `202` (LXD's async
/// response); with `Idempotency-Key`, the same request returns the same operation; with `?wait=N`
/// (Xen Orchestra's synchronous convenience), a sync envelope with the final operation when it ends
/// within N seconds.
public enum OperationSubmitter {
    /// `replayed` runs when an `Idempotency-Key` names an operation made before: whatever the
    /// caller prepared for a new one (a staged upload) is not needed.
    public static func submit(
        _ submit: SubmitRequest, for request: APIRequest, context: APIContext, replayed: (() -> Void)? = nil
    ) async throws -> APIResponse {
        var submit = submit
        if let key = request.http.headers["Idempotency-Key"], !key.isEmpty {
            guard key.utf8.count <= 255 else { throw APIError.badRequest("Idempotency-Key is longer than 255 bytes") }
            submit.idempotency = (key: key, requestHash: requestHash(request.http))
        }
        if submit.requestor == nil { submit.requestor = requestor(request.context) }
        let waitMilliseconds = try waitParameter(request)
        let submission: OperationManager.Submission
        do {
            submission = try await context.operations.submit(submit)
        } catch let error as OperationsError {
            throw OperationsEndpoints.apiError(error)
        }
        if !submission.created { replayed?() }
        if let waitMilliseconds {
            let current = try await context.operations.wait(
                id: submission.operation.id, timeoutMilliseconds: waitMilliseconds)
            if let current, current.status.isFinal { return .sync(current.json) }
        }
        return .raw(Envelope.async(submission.operation, encoded: submission.encodedOperation))
    }

    /// For LXD's synchronous endpoints whose work is an operation all the same (`PATCH` of an
    /// instance): submits it and answers when it has ended, with its error as the response's.
    public static func submitAndWait(_ submit: SubmitRequest, for request: APIRequest, context: APIContext)
        async throws
    {
        var submit = submit
        if submit.requestor == nil { submit.requestor = requestor(request.context) }
        let submission: OperationManager.Submission
        do {
            submission = try await context.operations.submit(submit)
        } catch let error as OperationsError {
            throw OperationsEndpoints.apiError(error)
        }
        guard let final = try await context.operations.wait(id: submission.operation.id, timeoutMilliseconds: nil)
        else { throw APIError.internalError("Operation \(submission.operation.id) vanished") }
        switch final.status {
        case .success: return
        case .cancelled: throw APIError.badRequest(final.err.isEmpty ? "Operation cancelled" : final.err)
        default:
            throw APIError(HTTPStatus(code: final.errCode >= 400 ? final.errCode : 400), final.err)
        }
    }

    /// `?wait=N`: seconds, at most an hour.
    static func waitParameter(_ request: APIRequest) throws -> Int64? {
        guard let text = request.queryValue("wait"), !text.isEmpty else { return nil }
        guard let seconds = Double(text), seconds >= 0, seconds <= 3600 else {
            throw APIError.badRequest("Invalid wait \"\(text)\": expected seconds between 0 and 3600")
        }
        return Int64(seconds * 1000)
    }

    /// The request an idempotency key is bound to: method, target and body.
    static func requestHash(_ request: HTTPRequest) -> String {
        var bytes = Array("\(request.method.rawValue) \(request.target)\n".utf8)
        bytes += request.body
        return ETag.sha256Hex(bytes)
    }

    /// LXD's requestor: the unix user by name, or the TCP address.
    static func requestor(_ context: RequestContext) -> Requestor {
        switch context.peer {
        case .unix(let uid, _, _):
            return Requestor(username: UserNames.name(of: uid) ?? String(uid), protocol: "unix", address: "@")
        case .tcp:
            return Requestor(username: "", protocol: "tls", address: context.peer.description)
        }
    }
}
