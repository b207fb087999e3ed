import JSON

/// One QMP command to a QEMU monitor socket per call: connect (retrying while QEMU is not yet
/// listening), read the greeting, leave negotiation mode with `qmp_capabilities`, send the
/// command with an `id`, and read until the reply with that `id`, skipping the asynchronous
/// events that may come before it. A connection per command keeps no state between calls, so a
/// daemon that restarts simply connects again (QEMU's monitor takes one client at a time).
struct QMPClient: Sendable {
    let socketPath: String
    /// How long to keep trying to connect: QEMU creates the socket file a moment before it listens.
    var connectTimeout: Duration = .seconds(5)
    /// How long the greeting and each reply may take.
    var replyTimeout: Duration = .seconds(10)

    /// The command's `return` value. Blocking.
    func execute(_ command: String, arguments: JSONValue? = nil) throws(QMPError) -> JSONValue {
        do {
            var socket = try VMSocket.connect(to: socketPath, until: .now + connectTimeout)
            let greeting = try Self.message(from: &socket, until: .now + replyTimeout)
            guard greeting["QMP"] != nil else {
                throw QMPError.malformed(String(decoding: greeting.encoded, as: UTF8.self))
            }
            _ = try Self.run("qmp_capabilities", arguments: nil, id: "berth-caps", on: &socket, timeout: replyTimeout)
            return try Self.run(command, arguments: arguments, id: "berth-cmd", on: &socket, timeout: replyTimeout)
        } catch let error as QMPError {
            throw error
        } catch let error as VMSocketError {
            throw .socket(error)
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// The same, on a thread off Swift's cooperative pool.
    func execute(_ command: String, arguments: JSONValue? = nil) async throws -> JSONValue {
        try await OffPool.run { [self] in try execute(command, arguments: arguments) }
    }

    private static func run(
        _ command: String, arguments: JSONValue?, id: String, on socket: inout VMSocket, timeout: Duration
    ) throws -> JSONValue {
        var request: [(String, JSONValue)] = [("execute", .string(command))]
        if let arguments { request.append(("arguments", arguments)) }
        request.append(("id", .string(id)))
        try socket.write(JSONValue.object(request).encoded + [UInt8(ascii: "\n")])
        let deadline = ContinuousClock.now + timeout
        while true {
            let message = try message(from: &socket, until: deadline)
            guard message["id"]?.stringValue == id else { continue }
            if let error = message["error"] {
                throw QMPError.commandFailed(
                    command: command, errorClass: error["class"]?.stringValue ?? "",
                    description: error["desc"]?.stringValue ?? "")
            }
            guard let value = message["return"] else {
                throw QMPError.malformed(String(decoding: message.encoded, as: UTF8.self))
            }
            return value
        }
    }

    private static func message(from socket: inout VMSocket, until deadline: ContinuousClock.Instant) throws
        -> JSONValue
    {
        while true {
            guard let line = try socket.readLine(until: deadline) else { throw VMSocketError.closed }
            if line.isEmpty { continue }
            do {
                return try JSONValue.parse(line)
            } catch {
                throw QMPError.malformed(String(decoding: line, as: UTF8.self))
            }
        }
    }
}
