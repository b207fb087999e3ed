import Foundation
import HTTP
import Server

/// `TestResponder` plus the routes TLS tests need: who the server thinks the caller is, a large
/// body, and a request body spooled to a file. A test double: it lives in Tests/ only.
struct TLSTestResponder: HTTPResponder {
    static let largeBody: [UInt8] = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    private let base = TestResponder()

    func respond(to request: HTTPRequest, context: RequestContext) -> Reply {
        switch request.rawPath {
        case "/whoami":
            let transport =
                switch context.transport {
                case .unix: "unix"
                case .tcp: "tcp"
                case .tls: "tls"
                }
            let certificate = context.peerCertificate?.fingerprint ?? "none"
            return .response(HTTPResponse(status: .ok, body: Array("\(transport) \(certificate)".utf8)))
        case "/large":
            return .response(HTTPResponse(status: .ok, body: Self.largeBody))
        case "/spool":
            guard let spooled = request.spooledBody,
                let contents = FileManager.default.contents(atPath: spooled.path)
            else { return .response(errorResponse(status: .badRequest, message: "not spooled")) }
            let sum = contents.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
            return .response(HTTPResponse(status: .ok, body: Array("\(spooled.byteCount) \(sum)".utf8)))
        default:
            return base.respond(to: request, context: context)
        }
    }

    func errorResponse(status: HTTPStatus, message: String) -> HTTPResponse {
        base.errorResponse(status: status, message: message)
    }
}
