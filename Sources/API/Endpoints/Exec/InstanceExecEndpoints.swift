import HTTP
import Instances
import JSON
import Operations
import Server

/// `POST /1.0/instances/<n>/exec` and `…/console` (and the same under `/1.0/containers`), and
/// `GET /1.0/operations/<id>/websocket?secret=`, where their clients attach. The requests are
/// checked synchronously (LXD's 400s); the command runs in a durable operation of its own queue.
enum InstanceExecEndpoints {
    struct ExecBody: Decodable {
        var command: [String]?
        var environment: [String: String]?
        var waitForWebsocket: Bool?
        var interactive: Bool?
        var width: Int?
        var height: Int?
        var recordOutput: Bool?
        var user: UInt32?
        var group: UInt32?
        var cwd: String?

        enum CodingKeys: String, CodingKey {
            case command, environment, interactive, width, height, user, group, cwd
            case waitForWebsocket = "wait-for-websocket"
            case recordOutput = "record-output"
        }
    }

    struct ConsoleBody: Decodable {
        var width: Int?
        var height: Int?
        var type: String?
    }

    static func endpoints(_ context: APIContext, service: InstanceService) -> [Endpoint] {
        ["/1.0/instances", "/1.0/containers"].flatMap { base in
            [
                Endpoint(
                    base + "/{name}/exec",
                    post: .deferred(.operate) { request in try await exec(request, context: context, service: service) }
                ),
                Endpoint(
                    base + "/{name}/console",
                    post: .deferred(.operate) { request in
                        try await console(request, context: context, service: service)
                    }),
            ]
        } + [
            // LXD lets untrusted callers connect with the secret alone; here the secret is needed
            // as well as the right to operate: the secrets are in the operation's metadata, which
            // read-only callers can list.
            Endpoint(
                "/1.0/operations/{id}/websocket",
                get: .deferred(.operate) { request in try connect(request, context: context, service: service)
                })
        ]
    }

    static func exec(_ request: APIRequest, context: APIContext, service: InstanceService) async throws -> APIResponse {
        let row = try InstancesEndpoints.target(request, service)
        let body = try request.decodeBody(ExecBody.self)
        let parameters = ExecParameters(
            command: body.command ?? [], environment: body.environment ?? [:], user: body.user ?? 0,
            group: body.group ?? 0, cwd: body.cwd ?? "", interactive: body.interactive ?? false,
            waitForWebsocket: body.waitForWebsocket ?? false, recordOutput: body.recordOutput ?? false,
            width: body.width ?? 0, height: body.height ?? 0)
        return try await submit(try await service.prepareExec(parameters, row: row), request, context, service)
    }

    static func console(_ request: APIRequest, context: APIContext, service: InstanceService) async throws
        -> APIResponse
    {
        let row = try InstancesEndpoints.target(request, service)
        let body = request.http.body.isEmpty ? ConsoleBody() : try request.decodeBody(ConsoleBody.self)
        let submission = try await service.prepareConsole(
            row: row, width: body.width ?? 0, height: body.height ?? 0, type: body.type ?? "")
        return try await submit(submission, request, context, service)
    }

    /// Submits and, before the `202` leaves, makes the session findable by its operation id.
    private static func submit(
        _ submission: InstanceService.ExecSubmission, _ request: APIRequest, _ context: APIContext,
        _ service: InstanceService
    ) async throws -> APIResponse {
        var submit = submission.request
        submit.requestor = OperationSubmitter.requestor(request.context)
        let submitted: OperationManager.Submission
        do {
            submitted = try await context.operations.submit(submit)
        } catch {
            if let session = submission.session { service.discard(session) }
            if let error = error as? OperationsError { throw OperationsEndpoints.apiError(error) }
            throw error
        }
        if let session = submission.session {
            service.bind(session, to: submitted.operation.id)
            service.endWhenFinal(session, operationID: submitted.operation.id, operations: context.operations)
        }
        return .raw(Envelope.async(submitted.operation))
    }

    /// LXD's rules (§2.10 of the contract): websocket class, still running, the right secret (403
    /// otherwise, the operation untouched), each fd once.
    static func connect(_ request: APIRequest, context: APIContext, service: InstanceService) throws -> APIResponse {
        let id = request.parameters["id"] ?? ""
        guard let operation = try context.operations.operation(id: id) else {
            throw APIError(.notFound, "Operation not found")
        }
        guard operation.operationClass == .websocket else {
            throw APIError.badRequest("Only websocket operations can be connected")
        }
        guard !operation.status.isFinal, let session = service.execSessions.session(operationID: id) else {
            throw APIError.badRequest("Only running operations can be connected")
        }
        let fd: String
        do {
            fd = try session.fd(forSecret: request.queryValue("secret") ?? "")
        } catch .wrongSecret {
            throw APIError.forbidden
        } catch .alreadyConnected {
            throw APIError.badRequest("Websocket for fd \"\(fdName(session, request))\" already connected")
        } catch .finished {
            throw APIError.badRequest("Only running operations can be connected")
        }
        return .reply(
            .webSocket(headers: [:]) { socket in
                try? socket.ping(Array("keepalive".utf8))
                await session.attach(fd: fd, stream: WebSocketExecStream(socket))
            })
    }

    private static func fdName(_ session: ExecSession, _ request: APIRequest) -> String {
        let secret = request.queryValue("secret") ?? ""
        return session.secrets.first { $0.value == secret }?.key ?? ""
    }
}
