import Drivers
import Foundation
import Images
import JSON
import Operations
import Store

extension InstanceService {
    public static let execType = "instance.exec"
    /// `wait-for-websocket: false`: the same command as a `task` operation (a class is per type).
    public static let execTaskType = "instance.exec-task"
    public static let consoleType = "instance.console"

    /// What an exec or console request becomes: the operation to submit and, for websocket
    /// operations, the session its websockets attach to (bind it once the operation id is known).
    public struct ExecSubmission: Sendable {
        public let request: SubmitRequest
        public let session: ExecSession?
    }

    /// How long clients have to connect the websockets an operation requires (LXD's 5 s).
    static let connectTimeout: Duration = .seconds(5)
    /// A session may run for as long as its user keeps it open.
    static let sessionDeadlineMilliseconds: Int64 = 30 * 24 * 3_600_000

    func execDefinitions() -> [OperationDefinition] {
        [
            // Not idempotent: a command must never run twice; after a restart the operation fails.
            OperationDefinition(
                type: Self.execType, description: "Executing command", operationClass: .websocket,
                steps: [
                    Step(
                        "exec", idempotent: false, cancellable: true,
                        deadlineMilliseconds: Self.sessionDeadlineMilliseconds
                    ) { [self] context in try await runExec(context) }
                ]),
            OperationDefinition(
                type: Self.execTaskType, description: "Executing command",
                steps: [
                    Step(
                        "exec", idempotent: false, cancellable: true,
                        deadlineMilliseconds: Self.sessionDeadlineMilliseconds
                    ) { [self] context in try await runExecTask(context) }
                ]),
            OperationDefinition(
                type: Self.consoleType, description: "Showing console", operationClass: .websocket,
                steps: [
                    Step(
                        "console", idempotent: false, cancellable: true,
                        deadlineMilliseconds: Self.sessionDeadlineMilliseconds
                    ) { [self] context in try await runConsole(context) }
                ]),
        ]
    }

    /// Checks and prepares `POST …/exec`. Refuses synchronously, as LXD does, what cannot run.
    public func prepareExec(_ parameters: ExecParameters, row: InstanceRow) async throws -> ExecSubmission {
        guard !parameters.command.isEmpty else { throw InstanceError.badRequest("No command given") }
        if parameters.waitForWebsocket && parameters.recordOutput {
            throw InstanceError.badRequest("Cannot use both wait-for-websocket and record-output")
        }
        try await requireRunning(row)
        do {
            try await execDriver(row).checkExec(name: row.name, user: parameters.user, group: parameters.group)
        } catch let error as InstanceError {
            throw error
        } catch {
            throw InstanceError.badRequest("\(error)")
        }
        let environment = parameters.effectiveEnvironment
        var payload: [(String, JSONValue)] = [
            ("name", .string(row.name)), ("project", .string(row.project)),
            ("command", .strings(parameters.command)), ("environment", .sortedObject(environment)),
            ("user", .int(Int(parameters.user))), ("group", .int(Int(parameters.group))),
            ("cwd", .string(parameters.cwd)),
            ("interactive", .bool(parameters.interactive)), ("width", .int(parameters.width)),
            ("height", .int(parameters.height)), ("record", .bool(parameters.recordOutput)),
        ]
        var metadata: [(String, JSONValue)] = [
            ("command", .strings(parameters.command)), ("environment", .sortedObject(environment)),
        ]
        var session: ExecSession?
        if parameters.waitForWebsocket {
            let made =
                parameters.interactive
                ? ExecSession(fds: ["0", "control"], terminal: true, required: ["0"])
                : ExecSession(fds: ["0", "1", "2", "control"], terminal: false, required: ["0", "1", "2"])
            execSessions.add(made)
            payload.append(("session", .string(made.token)))
            metadata.append(("fds", .sortedObject(made.secrets)))
            session = made
        }
        metadata.append(("interactive", .bool(parameters.interactive)))
        return ExecSubmission(
            request: Self.sessionRequest(
                parameters.waitForWebsocket ? Self.execType : Self.execTaskType, row: row, payload: payload,
                metadata: .object(metadata)),
            session: session)
    }

    /// Checks and prepares `POST …/console` (type `console`; `vga` belongs to virtual machines).
    public func prepareConsole(row: InstanceRow, width: Int, height: Int, type: String) async throws -> ExecSubmission {
        switch type {
        case "", "console": break
        case "vga":
            throw InstanceError.badRequest(
                row.type == InstanceDrivers.virtualMachineType
                    ? "VGA console is not supported: virtual machines here have no display"
                    : "VGA console is only supported by virtual machines")
        default: throw InstanceError.badRequest("Unknown console type \"\(type)\"")
        }
        try await requireRunning(row)
        let session = ExecSession(fds: ["0", "control"], terminal: true, required: ["0"], console: true)
        execSessions.add(session)
        let payload: [(String, JSONValue)] = [
            ("name", .string(row.name)), ("project", .string(row.project)), ("width", .int(width)),
            ("height", .int(height)), ("session", .string(session.token)),
        ]
        let metadata: JSONValue = .object([("fds", .sortedObject(session.secrets))])
        return ExecSubmission(
            request: Self.sessionRequest(Self.consoleType, row: row, payload: payload, metadata: metadata),
            session: session)
    }

    /// Gives a submitted session its operation id, so its websockets can find it.
    public func bind(_ session: ExecSession, to operationID: String) { execSessions.bind(session, to: operationID) }

    /// Ends `session` when its operation is final however it got there: a session cancelled while
    /// still queued never runs its step, and its websockets must not hang.
    public func endWhenFinal(_ session: ExecSession, operationID: String, operations: OperationManager) {
        Task { [execSessions] in
            _ = try? await operations.wait(id: operationID, timeoutMilliseconds: nil)
            session.finish()
            execSessions.remove(session)
        }
    }

    /// Forgets a session whose operation could not be submitted.
    public func discard(_ session: ExecSession) { execSessions.remove(session) }

    private func requireRunning(_ row: InstanceRow) async throws {
        switch await state(row).status {
        case .stopped: throw InstanceError.badRequest("Instance is not running")
        case .frozen: throw InstanceError.badRequest("Instance is frozen")
        case .running: break
        }
    }

    /// Exec and console operations run beside each other and beside the instance's changes: each
    /// has a queue of its own, so 20 commands at once do not wait for one another.
    private static func sessionRequest(
        _ type: String, row: InstanceRow, payload: [(String, JSONValue)], metadata: JSONValue
    ) -> SubmitRequest {
        var request = SubmitRequest(
            type: type, queueKey: "exec/\(row.project)/\(row.name)/\(UUID().uuidString)", payload: .object(payload),
            resources: ["instances": ["/1.0/instances/\(row.name)"], "containers": ["/1.0/containers/\(row.name)"]],
            project: row.project)
        request.metadata = metadata
        return request
    }

    private func execDriver(_ row: InstanceRow) throws -> any InstanceExecDriver {
        guard let driver = try driver(of: row) as? any InstanceExecDriver else {
            throw OperationFailure("This instance's driver cannot run commands", code: 501)
        }
        return driver
    }

    private func execRequest(_ payload: JSONValue, terminal: TerminalSize?) -> ExecRequest {
        ExecRequest(
            instance: payload["name"]?.stringValue ?? "",
            command: payload["command"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            environment: payload["environment"]?.dictionaryOfStrings ?? [:],
            user: UInt32(clamping: payload["user"]?.intValue ?? 0),
            group: UInt32(clamping: payload["group"]?.intValue ?? 0),
            cwd: payload["cwd"]?.stringValue ?? "", terminal: terminal)
    }

    private static func size(_ payload: JSONValue) -> TerminalSize {
        let width = payload["width"]?.intValue ?? 0
        let height = payload["height"]?.intValue ?? 0
        guard width > 0, height > 0, let columns = UInt16(exactly: width), let rows = UInt16(exactly: height) else {
            return .fallback
        }
        return TerminalSize(columns: columns, rows: rows)
    }

    private func session(_ context: StepContext) throws -> ExecSession {
        guard let token = context.payload["session"]?.stringValue, let session = execSessions.session(token: token)
        else {
            // Sessions live in memory: one missing belongs to a daemon that has stopped since.
            throw OperationFailure("Operation interrupted by server restart", code: 500)
        }
        return session
    }

    /// Runs `body` once the step's session has its websockets connected, and ends the session
    /// afterwards however `body` ends.
    private func withConnectedSession(
        _ context: StepContext, _ body: (ExecSession) async throws -> Void
    ) async throws {
        let session = try session(context)
        defer {
            session.finish()
            execSessions.remove(session)
        }
        guard await session.waitForConnections(timeout: Self.connectTimeout) else {
            try Task.checkCancellation()
            throw OperationFailure("Timed out waiting for websockets to connect")
        }
        try await body(session)
    }

    private func runExec(_ context: StepContext) async throws {
        try await withConnectedSession(context) { session in try await runExec(context, session: session) }
    }

    /// The exec capability of the driver of the step's instance.
    private func execDriver(_ context: StepContext) throws -> any InstanceExecDriver {
        let name = context.payload["name"]?.stringValue ?? ""
        let project = context.payload["project"]?.stringValue ?? "default"
        guard let row = try database.read({ try $0.instance(name: name, project: project) }) else {
            throw OperationFailure("Instance not found", code: 404)
        }
        return try execDriver(row)
    }

    private func runExec(_ context: StepContext, session: ExecSession) async throws {
        let payload = context.payload
        let request = execRequest(payload, terminal: session.terminal ? Self.size(payload) : nil)
        let process = try execDriver(context).exec(request) { fd, bytes in session.deliver(fd, bytes) }
        session.started(process)
        let code = try await awaitExit(process, command: request, context: context)
        await context.setMetadata("return", .int(Int(code)))
    }

    private func runExecTask(_ context: StepContext) async throws {
        let payload = context.payload
        let request = execRequest(payload, terminal: nil)
        var outputs: [Int: FileHandle] = [:]
        var paths: [(String, JSONValue)] = []
        let driver = try execDriver(context)
        if payload["record"]?.boolValue == true, let lxc = driver as? LXCDriver {
            let directory = "\(lxc.lxcPath)/\(request.instance)/logs"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (fd, suffix) in [(1, "stdout"), (2, "stderr")] {
                let file = "exec_\(context.operationID).\(suffix)"
                _ = FileManager.default.createFile(atPath: "\(directory)/\(file)", contents: nil)
                outputs[fd] = FileHandle(forWritingAtPath: "\(directory)/\(file)")
                paths.append((String(fd), .string("/1.0/instances/\(request.instance)/logs/\(file)")))
            }
        }
        let files = outputs
        defer { for handle in files.values { try? handle.close() } }
        let process = try driver.exec(request) { fd, bytes in try? files[fd]?.write(contentsOf: bytes) }
        process.endInput()
        let code = try await awaitExit(process, command: request, context: context)
        if !paths.isEmpty { await context.setMetadata("output", .object(paths)) }
        await context.setMetadata("return", .int(Int(code)))
    }

    private func runConsole(_ context: StepContext) async throws {
        try await withConnectedSession(context) { session in try await runConsole(context, session: session) }
    }

    private func runConsole(_ context: StepContext, session: ExecSession) async throws {
        let name = context.payload["name"]?.stringValue ?? ""
        let process = try execDriver(context).console(name: name, size: Self.size(context.payload)) { fd, bytes in
            session.deliver(fd, bytes)
        }
        session.started(process)
        await lifecycle.emit(
            action: "instance-console", source: "/1.0/instances/\(name)",
            context: .object([("type", .string("console"))]),
            requestor: nil)
        _ = await withTaskCancellationHandler {
            await process.exitCode()
        } onCancel: {
            process.kill()
        }
        try Task.checkCancellation()
    }

    /// Waits for the command; a cancelled operation kills it (LXD cannot, lxd#8622).
    private func awaitExit(_ process: ExecProcess, command: ExecRequest, context: StepContext) async throws -> Int32 {
        await lifecycle.emit(
            action: "instance-exec", source: "/1.0/instances/\(command.instance)",
            context: .object([("command", .strings(command.command))]), requestor: nil)
        let code = await withTaskCancellationHandler {
            await process.exitCode()
        } onCancel: {
            process.kill()
        }
        try Task.checkCancellation()
        return code
    }
}
