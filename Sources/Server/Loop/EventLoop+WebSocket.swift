import HTTP

extension EventLoop {
    /// Validates the handshake, answers 101 and hands the connection to the handler (RFC 6455 §4.2.2).
    func upgrade(
        _ connection: Connection, request: HTTPRequest, context: RequestContext, headers: HTTPHeaders,
        handler: @escaping @Sendable (WebSocketSession) async -> Void
    ) {
        let accept: String
        do {
            accept = try WebSocketHandshake.validate(request)
        } catch {
            writeError(connection, status: .badRequest, message: error.message)
            return
        }
        var responseHeaders = WebSocketHandshake.responseHeaders(accept: accept)
        for field in headers { responseHeaders.add(name: field.name, value: field.value) }
        HTTPResponseEncoder.writeHead(
            status: .switchingProtocols, headers: responseHeaders, contentLength: nil, chunked: false,
            keepAlive: true, date: dateCache.current(), into: &connection.output)

        let session = WebSocketSession(request: request, context: context, loop: handle, connectionID: connection.id)
        let state = WebSocketState(
            session: session, maxFrameBytes: core.configuration.webSocketMaxFrameBytes,
            maxMessageBytes: core.configuration.webSocketMaxMessageBytes)
        // Bytes the client sent right after its handshake already belong to the WebSocket stream.
        let early = connection.parser.takeBufferedBytes()
        if !early.isEmpty { state.decoder.append(early) }
        connection.mode = .webSocket(state)
        connection.outputGauge = session.gauge
        connection.requestStarted = nil
        let loop = handle
        let id = connection.id
        state.handlerTask = Task {
            await handler(session)
            loop.execute { loop in loop.closeWebSocket(connectionID: id, code: 1000, reason: "") }
        }
        if !early.isEmpty { processFrames(connection, state) }
    }

    func processFrames(_ connection: Connection, _ state: WebSocketState) {
        while connections[connection.id] != nil {
            let event: WebSocketEvent?
            do {
                guard let frame = try state.decoder.next() else { break }
                event = try state.assembler.push(frame)
            } catch {
                failWebSocket(connection, state, code: error.closeCode, reason: error.message)
                break
            }
            guard let event else { continue }
            switch event {
            case .text(let text): state.session.continuation.yield(.text(text))
            case .binary(let bytes): state.session.continuation.yield(.binary(bytes))
            case .pong(let payload): state.session.continuation.yield(.pong(payload))
            case .ping(let payload):
                if state.closeSentAt == nil {
                    enqueue(WebSocketFrame(fin: true, opcode: .pong, payload: payload), on: connection)
                }
            case .close(let code, _):
                state.closeReceived = true
                if state.closeSentAt == nil {
                    // Echo the peer's code (§5.5.1); a close without a code is answered without one.
                    sendClose(connection, state, code: code, reason: "")
                }
                state.session.markClosed()
                connection.closeAfterFlush = true
            }
        }
        if connections[connection.id] != nil { flush(connection) }
    }

    func sendWebSocketFrame(connectionID: UInt64, _ frame: WebSocketFrame) {
        guard let connection = connections[connectionID], case .webSocket(let state) = connection.mode,
            state.closeSentAt == nil
        else { return }
        enqueue(frame, on: connection)
        flush(connection)
    }

    func closeWebSocket(connectionID: UInt64, code: UInt16, reason: String) {
        guard let connection = connections[connectionID], case .webSocket(let state) = connection.mode,
            state.closeSentAt == nil
        else { return }
        sendClose(connection, state, code: code, reason: reason)
        connection.closeAfterFlush = true
        flush(connection)
    }

    /// A protocol violation: tell the peer why (§7.1.7) and stop reading.
    private func failWebSocket(_ connection: Connection, _ state: WebSocketState, code: UInt16, reason: String) {
        if state.closeSentAt == nil { sendClose(connection, state, code: code, reason: reason) }
        state.closeReceived = true
        state.session.markClosed()
        connection.closeAfterFlush = true
    }

    private func sendClose(_ connection: Connection, _ state: WebSocketState, code: UInt16?, reason: String) {
        var payload: [UInt8] = []
        if let code {
            payload = [UInt8(code >> 8), UInt8(code & 0xFF)]
            // Control frame payloads are at most 125 bytes (§5.5); cut the reason on a character boundary.
            var reasonBytes = Array(reason.utf8.prefix(123))
            while !reasonBytes.isEmpty, String(validating: reasonBytes, as: UTF8.self) == nil {
                reasonBytes.removeLast()
            }
            payload += reasonBytes
        }
        enqueue(WebSocketFrame(fin: true, opcode: .close, payload: payload), on: connection)
        state.closeSentAt = now
    }

    private func enqueue(_ frame: WebSocketFrame, on connection: Connection) {
        WebSocketFrameEncoder.encode(frame, into: &connection.output)
    }
}
