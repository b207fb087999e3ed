import Drivers
import Foundation
import HTTP
import Images
import Instances
import Log
import Operations
import Server
import Store

@testable import API

/// The whole API (images and instances included, on a driver that is never asked to run anything)
/// on a real SQLite database, with the trust-token operation type registered, driven without
/// sockets as a TLS listener would: the caller's transport, address and certificate are chosen per
/// request.
final class TrustHarness {
    let directory: String
    let database: Database
    let context: APIContext
    let responder: APIResponder
    static let serverFingerprint = String(repeating: "5e", count: 32)

    init(addresses: [String] = ["127.0.0.1:8443"]) async throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("berth-trust-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database.open(path: directory + "/berth.db")
        let operations = try OperationManager(
            path: directory + "/berth.db", registry: OperationRegistry(TrustTokenOperation.definitions()),
            logger: Logger(level: .error))
        try await operations.start()
        let images = try ImageStore(directory: directory + "/images", database: database)
        let lifecycle = LifecycleEmitter()
        let instances = InstanceService(
            database: database, images: images,
            drivers: InstanceDrivers(container: LXCDriver(lxcPath: directory + "/lxc", idmap: nil)),
            lifecycle: lifecycle)
        context = APIContext(
            database: database, logger: Logger(level: .error),
            serverInfo: ServerInfoCache(info: ServerInfo(host: APITestHarness.host, addresses: addresses), config: [:]),
            operations: operations, images: images, instances: instances, lifecycle: lifecycle)
        let server = ServerIdentity(fingerprint: { Self.serverFingerprint }, addresses: { addresses })
        responder = APIResponder(
            router: Router(BerthAPI.endpoints(context, server: server)), logger: context.logger, trust: context.trust,
            config: { [context] in context.serverInfo.snapshot.config })
    }

    func close() async {
        await context.operations.shutdown(timeoutMilliseconds: 2_000)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Who is calling: each case is one column of the authorization matrix.
    enum Caller {
        case unix(uid: UInt32, gid: UInt32)
        case tcp
        case tls(certificate: TestCertificate?, bearer: String? = nil)

        static let root = Caller.unix(uid: 0, gid: 0)
    }

    struct Result {
        let response: HTTPResponse
        var status: Int { response.status.code }
        var text: String { String(decoding: response.body, as: UTF8.self) }
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        }
        var metadata: Any? { json["metadata"] }
        var error: String { json["error"] as? String ?? "" }
    }

    func send(
        _ method: HTTPMethod, _ target: String, body: String = "", headers: HTTPHeaders = [:], as caller: Caller = .root
    ) async -> Result {
        var headers = headers
        let transport: RequestContext.Transport
        let peer: Peer
        var certificate: PeerCertificate?
        switch caller {
        case .unix(let uid, let gid):
            (transport, peer) = (.unix, .unix(uid: uid, gid: gid, pid: 1))
        case .tcp:
            (transport, peer) = (.tcp, .tcp(address: "192.0.2.7", port: 5555))
        case .tls(let presented, let bearer):
            (transport, peer) = (.tls, .tcp(address: "192.0.2.8", port: 5556))
            certificate = presented.map { PeerCertificate(fingerprint: $0.fingerprint, der: $0.der) }
            if let bearer { headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        }
        let request = HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))
        let context = RequestContext(
            transport: transport, peer: peer, peerCertificate: certificate, connectionID: 1, requestID: 1)
        switch responder.respond(to: request, context: context) {
        case .response(let response): return Result(response: response)
        case .deferred(let work):
            if case .response(let response) = await work() { return Result(response: response) }
            return Result(response: HTTPResponse(status: .init(code: 599)))
        case .stream, .webSocket: return Result(response: HTTPResponse(status: .init(code: 599)))
        }
    }
}
