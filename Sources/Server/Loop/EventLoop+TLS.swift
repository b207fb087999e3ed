import CLinux

extension EventLoop {
    /// Drives the server handshake of a `.tls` connection one step, as far as the socket allows. Once
    /// it completes, the client's certificate is kept for every request on the connection, and what
    /// the client sent along with its last handshake flight is read at once.
    func continueHandshake(_ connection: Connection) {
        guard let tls = connection.tls else { return }
        switch tls.handshake() {
        case .done:
            connection.peerCertificate = tls.peerCertificate()
            connection.lastActivity = now
            readAvailable(connection, hangup: false)
        case .wantRead, .wantWrite:
            updateInterest(connection)
        case .closed, .failed:
            closeConnection(connection)
        }
    }

    /// The epoll interest of a TLS connection: during the handshake, what OpenSSL waits for; after
    /// it, the HTTP interest plus what a read or write stopped on. Records OpenSSL has already read
    /// from the socket are invisible to epoll, so when input is wanted and some are buffered, a read
    /// is queued on the loop instead.
    func tlsInterest(_ connection: Connection, _ tls: TLSConnection, http wanted: UInt32) -> UInt32 {
        guard tls.isEstablished else {
            return clinux_epollrdhup | (tls.handshakeWantsWrite ? clinux_epollout : clinux_epollin)
        }
        var wanted = wanted
        if tls.readWantsWrite { wanted |= clinux_epollout }
        if tls.writeWantsRead { wanted |= clinux_epollin }
        if wanted & clinux_epollin != 0 && tls.hasBufferedInput && !connection.bufferedReadQueued {
            connection.bufferedReadQueued = true
            let id = connection.id
            handle.execute { loop in loop.readBuffered(connectionID: id) }
        }
        return wanted
    }

    private func readBuffered(connectionID: UInt64) {
        guard let connection = connections[connectionID] else { return }
        connection.bufferedReadQueued = false
        guard connection.interest & clinux_epollin != 0 else { return }
        readAvailable(connection, hangup: false)
    }
}
