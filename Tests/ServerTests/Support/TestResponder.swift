import HTTP
import Server

/// A responder with one route per server feature under test. Test doubles live in Tests/ only.
struct TestResponder: HTTPResponder {
    func respond(to request: HTTPRequest, context: RequestContext) -> Reply {
        switch request.rawPath {
        case "/hello":
            return .response(
                HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("hello".utf8)))
        case "/echo":
            return .response(
                HTTPResponse(
                    status: .ok,
                    body: Array("\(request.method.rawValue) \(request.target) \(request.body.count):".utf8)
                        + request.body))
        case "/peer":
            return .response(HTTPResponse(status: .ok, body: Array(context.peer.description.utf8)))
        case "/slow":
            return .deferred {
                try? await Task.sleep(for: .milliseconds(300))
                return .response(HTTPResponse(status: .ok, body: Array("slow".utf8)))
            }
        case "/slower":
            // Long enough that a shutdown begun after it arrived is draining when it answers, even
            // on a loaded machine.
            return .deferred {
                try? await Task.sleep(for: .seconds(2))
                return .response(HTTPResponse(status: .ok, body: Array("slow".utf8)))
            }
        case "/slow-stream":
            return .deferred {
                try? await Task.sleep(for: .milliseconds(100))
                return .stream(head: HTTPResponse(status: .ok)) { writer in try? writer.write("late;") }
            }
        case "/stream":
            return .stream(head: HTTPResponse(status: .ok)) { writer in
                for index in 0..<3 {
                    try? writer.write("part\(index);")
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
        case "/flood":
            // Writes until the peer is 1 MiB behind, then says where it stopped.
            return .stream(head: HTTPResponse(status: .ok)) { writer in
                let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
                var written = 0
                while writer.pendingBytes <= 1 << 20 && written < 64 << 20 {
                    guard (try? writer.write(chunk)) != nil else { return }
                    written += chunk.count
                    await Task.yield()
                }
                try? writer.write("|stopped after \(written)")
            }
        case "/forever":
            return .stream(head: HTTPResponse(status: .ok)) { writer in
                try? writer.write("started;")
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            }
        case "/ws":
            return .webSocket(headers: [:]) { session in
                for await message in session.messages {
                    switch message {
                    case .text(let text): try? session.send(text: "echo:" + text)
                    case .binary(let bytes): try? session.send(binary: bytes.reversed())
                    case .pong: break
                    }
                }
            }
        default:
            return .response(errorResponse(status: .notFound, message: "no route"))
        }
    }

    func errorResponse(status: HTTPStatus, message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain"], body: Array("error:\(message)".utf8))
    }
}
