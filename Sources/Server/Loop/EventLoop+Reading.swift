import CLinux
import HTTP

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Reads what the socket holds (bounded per wake for fairness) and feeds the connection's codec.
    func readAvailable(_ connection: Connection, hangup: Bool) {
        var sawEOF = false
        reading: for _ in 0..<4 {
            let count: Int
            if let tls = connection.tls {
                switch tls.read(into: readBuffer) {
                case .done(let decrypted): count = decrypted
                case .wantRead, .wantWrite: break reading
                case .closed:
                    sawEOF = true
                    break reading
                case .failed:
                    closeConnection(connection)
                    return
                }
            } else {
                count = read(connection.fd, readBuffer.baseAddress, readBuffer.count)
            }
            if count > 0 {
                connection.lastActivity = now
                let bytes = UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])
                switch connection.mode {
                case .http:
                    if !connection.parser.hasPartialRequest { connection.requestStarted = now }
                    connection.parser.append(bytes)
                case .webSocket(let state):
                    state.decoder.append(bytes)
                }
                // A short read drained the socket; a TLS read returns one record at a time, and
                // records OpenSSL has already taken from the socket are invisible to epoll.
                if count < readBuffer.count && !(connection.tls?.hasBufferedInput ?? false) { break reading }
            } else if count == 0 {
                sawEOF = true
                break reading
            } else {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { break reading }
                closeConnection(connection)
                return
            }
        }
        if hangup && !sawEOF && connection.interest & clinux_epollin == 0 {
            // Input is paused (a response is in flight), so EPOLLRDHUP is the only sign the peer left.
            sawEOF = true
        }
        if sawEOF { connection.peerClosed = true }

        switch connection.mode {
        case .http: processRequests(connection)
        case .webSocket(let state): processFrames(connection, state)
        }
        guard connections[connection.id] != nil else { return }
        if connection.peerClosed { peerDidClose(connection) }
    }

    /// The peer will send nothing more. An idle HTTP connection closes now; one with a response in
    /// flight closes after it (a half-closed client may still read). A stream is abandoned: nobody
    /// waits for the rest.
    private func peerDidClose(_ connection: Connection) {
        switch connection.mode {
        case .http:
            if case .stream = connection.inFlight {
                closeConnection(connection)
                return
            }
            if connection.inFlight == nil && connection.pendingOutputCount == 0 {
                closeConnection(connection)
                return
            }
            connection.closeAfterFlush = true
            updateInterest(connection)
        case .webSocket:
            closeConnection(connection)
        }
    }
}
