import Foundation
import HTTP
import Log
import Operations
import Server
import Store

@testable import API

/// The API with a real SQLite database in a temp directory, driven without sockets
/// (Hummingbird's `.router` testing): requests go straight to `APIResponder`.
final class APITestHarness {
    let directory: String
    let database: Database
    let context: APIContext
    let responder: APIResponder
    static let host = HostFacts(
        kernel: "Linux", kernelVersion: "6.1.0-test", kernelArchitecture: "x86_64", architectures: ["x86_64", "i686"],
        serverName: "testhost", osName: "Debian GNU/Linux", osVersion: "12", serverPID: 4242)

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "berth-api-\(UUID().uuidString.prefix(8))"
            ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database.open(path: directory + "/berth.db")
        let config = try database.read { try $0.config() }
        let events = EventBus()
        let operations = try OperationManager(
            path: directory + "/berth.db", registry: OperationRegistry(), events: events, logger: Logger(level: .error))
        context = APIContext(
            database: database, logger: Logger(level: .error),
            serverInfo: ServerInfoCache(info: ServerInfo(host: Self.host, addresses: []), config: config),
            operations: operations)
        responder = BerthAPI.responder(context)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    struct Result {
        let response: HTTPResponse
        var status: Int { response.status.code }
        var text: String { String(decoding: response.body, as: UTF8.self) }
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        }
    }

    func send(
        _ method: HTTPMethod, _ target: String, body: String = "", headers: HTTPHeaders = [:],
        transport: RequestContext.Transport = .unix
    ) async -> Result {
        let request = HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))
        let peer: Peer = transport == .unix ? .unix(uid: 0, gid: 0, pid: 1) : .tcp(address: "127.0.0.1", port: 5555)
        let context = RequestContext(transport: transport, peer: peer, connectionID: 1, requestID: 1)
        switch responder.respond(to: request, context: context) {
        case .response(let response): return Result(response: response)
        case .deferred(let work):
            if case .response(let response) = await work() { return Result(response: response) }
            return Result(response: HTTPResponse(status: .init(code: 599)))
        case .stream, .webSocket: return Result(response: HTTPResponse(status: .init(code: 599)))
        }
    }
}
