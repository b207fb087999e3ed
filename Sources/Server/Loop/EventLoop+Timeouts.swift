import HTTP

extension EventLoop {
    /// Enforces the header, body, idle, write and WebSocket-close timeouts. Runs a few times a second;
    /// a linear scan is cheap next to the syscalls each connection already costs.
    func sweepTimeouts() {
        let configuration = core.configuration
        for connection in Array(connections.values) {
            if connection.isHandshaking {
                if now - connection.acceptedAt > configuration.tlsHandshakeTimeoutMilliseconds {
                    closeConnection(connection)
                }
                continue
            }
            if connection.pendingOutputCount > 0
                && now - connection.lastWriteProgress > configuration.writeTimeoutMilliseconds
            {
                closeConnection(connection)
                continue
            }
            switch connection.mode {
            case .webSocket(let state):
                if let sent = state.closeSentAt, now - sent > configuration.webSocketCloseTimeoutMilliseconds {
                    closeConnection(connection)
                }
            case .http:
                guard connection.inFlight == nil, !connection.closeAfterFlush else { continue }
                if connection.parser.hasPartialRequest {
                    let started = connection.requestStarted ?? connection.lastActivity
                    let headExpired =
                        !connection.parser.isReadingBody
                        && now - started > configuration.headerTimeoutMilliseconds
                    let bodyStalled =
                        connection.parser.isReadingBody
                        && now - connection.lastActivity > configuration.bodyTimeoutMilliseconds
                    if headExpired || bodyStalled {
                        writeError(
                            connection, status: .requestTimeout,
                            message: headExpired
                                ? "Timed out reading request headers" : "Timed out reading request body")
                        flush(connection)
                    }
                } else if now - connection.lastActivity > configuration.idleTimeoutMilliseconds {
                    closeConnection(connection)
                }
            }
        }
    }
}
