import HTTP

extension EventLoop {
    /// Parses and answers buffered requests in order until one must wait (deferred, stream), the
    /// connection is to close, or more bytes are needed. One flush then writes every ready response.
    func processRequests(_ connection: Connection) {
        while connection.inFlight == nil && !connection.closeAfterFlush, case .http = connection.mode {
            let request: HTTPRequest
            do {
                let next = try connection.parser.next()
                // The head may have just been parsed without its body: tell the client to send it.
                if connection.parser.takeExpectContinue() {
                    connection.output.append(contentsOf: Self.continueBytes)
                }
                guard let next else { break }
                request = next
            } catch {
                writeError(connection, status: error.status, message: error.message)
                break
            }
            connection.requestStarted = connection.parser.hasPartialRequest ? now : nil
            handle(request, on: connection)
        }
        flush(connection)
    }

    private func handle(_ request: HTTPRequest, on connection: Connection) {
        let keepAlive = request.keepAlive && !draining
        let context = RequestContext(
            transport: connection.transport, peer: connection.peer, peerCertificate: connection.peerCertificate,
            connectionID: connection.id, requestID: core.makeRequestID())
        perform(
            core.responder.respond(to: request, context: context), for: request, context: context, on: connection,
            keepAlive: keepAlive)
        // Interest is updated once, by the flush that follows: registering EPOLLOUT for output that
        // the flush then writes at once would cost two epoll_ctl calls per request.
    }

    private func perform(
        _ reply: Reply, for request: HTTPRequest, context: RequestContext, on connection: Connection, keepAlive: Bool
    ) {
        switch reply {
        case .response(let response):
            write(response, to: connection, keepAlive: keepAlive, headOnly: request.method == .head)
        case .deferred(let work):
            connection.inFlight = .deferred(request: request, context: context, keepAlive: keepAlive)
            let loop = handle
            let id = connection.id
            let spooled = request.spooledBody
            Task {
                let reply = await work()
                // The handler kept what it wanted of the spooled body by moving it.
                if let spooled { FileBodySink.remove(spooled) }
                loop.execute { loop in loop.completeDeferred(connectionID: id, reply) }
            }
            return
        case .stream(let head, let producer):
            startStream(on: connection, head: head, keepAlive: keepAlive, producer: producer)
        case .webSocket(let headers, let handler):
            upgrade(connection, request: request, context: context, headers: headers, handler: handler)
        }
        if let spooled = request.spooledBody { FileBodySink.remove(spooled) }
    }

    func write(_ response: HTTPResponse, to connection: Connection, keepAlive: Bool, headOnly: Bool) {
        HTTPResponseEncoder.write(
            response, keepAlive: keepAlive, date: dateCache.current(), headOnly: headOnly, into: &connection.output)
        if !keepAlive { connection.closeAfterFlush = true }
    }

    /// Answers a protocol-level failure through the responder's error mapping and closes: after a
    /// framing error the rest of the byte stream cannot be trusted.
    func writeError(_ connection: Connection, status: HTTPStatus, message: String) {
        let response = core.responder.errorResponse(status: status, message: message)
        write(response, to: connection, keepAlive: false, headOnly: false)
    }

    func completeDeferred(connectionID: UInt64, _ reply: Reply) {
        guard let connection = connections[connectionID],
            case .deferred(let request, let context, let keepAlive) = connection.inFlight
        else { return }
        connection.inFlight = nil
        perform(reply, for: request, context: context, on: connection, keepAlive: keepAlive && !draining)
        // Answers what was pipelined behind; its flush writes this response and sets the interest.
        processRequests(connection)
    }

    static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
