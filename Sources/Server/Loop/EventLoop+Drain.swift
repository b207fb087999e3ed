import CLinux
import HTTP

extension EventLoop {
    /// Stops accepting and lets the connections finish: idle ones close now, busy ones after their
    /// response, WebSockets get a 1001 "going away" close, streams are cancelled and ended.
    func beginDrain() {
        draining = true
        for listener in listeners.values {
            _ = clinux_epoll_ctl(epollFD, clinux_epoll_ctl_del, listener.fd, 0, 0)
        }
        listeners.removeAll()
        for connection in Array(connections.values) {
            switch connection.mode {
            case .webSocket:
                closeWebSocket(connectionID: connection.id, code: 1001, reason: "server shutting down")
            case .http:
                if case .stream(_, _, let task) = connection.inFlight {
                    task?.cancel()
                } else if connection.inFlight == nil && !connection.parser.hasPartialRequest {
                    if connection.pendingOutputCount == 0 {
                        closeConnection(connection)
                    } else {
                        connection.closeAfterFlush = true
                    }
                }
            // Anything else is mid-request: it is answered with `Connection: close` (keep-alive
            // is off while draining) and the connection closes after that response.
            }
        }
    }

    /// The grace period is over: drop whatever is left.
    func forceClose() {
        draining = true
        for connection in Array(connections.values) { closeConnection(connection) }
    }
}
