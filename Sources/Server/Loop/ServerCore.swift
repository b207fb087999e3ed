import HTTP
import Synchronization

/// State every loop of one server shares: configuration, the responder, counters and the drain flag.
final class ServerCore: Sendable {
    let configuration: ServerConfiguration
    let responder: any HTTPResponder
    let openConnections = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(1)
    let nextRequestID = Atomic<UInt64>(1)
    let draining = Atomic<Bool>(false)
    /// Written to a connection refused because the server is at `maxConnections`.
    let overloadResponse: [UInt8]

    init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
        var bytes: [UInt8] = []
        var response = responder.errorResponse(
            status: .serviceUnavailable, message: "Too many open connections, try again later")
        response.headers.replaceOrAdd(name: "Retry-After", value: "1")
        HTTPResponseEncoder.write(response, keepAlive: false, date: HTTPDate.imfFixdate(epochSeconds: 0), into: &bytes)
        overloadResponse = bytes
    }

    func makeRequestID() -> UInt64 { nextRequestID.add(1, ordering: .relaxed).oldValue }
}
