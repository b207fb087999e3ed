import CLinux

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Writes pending output until the socket would block; then waits for EPOLLOUT. Closes the
    /// connection when it was to close after this output, or when the peer reads too slowly.
    func flush(_ connection: Connection) {
        while connection.pendingOutputCount > 0 {
            let written = transmit(connection)
            if written > 0 {
                connection.outputOffset += written
                connection.outputGauge?.subtract(written)
                connection.lastWriteProgress = now
            } else if written == 0 {
                break
            } else {
                closeConnection(connection)
                return
            }
        }
        if connection.pendingOutputCount == 0 {
            if connection.output.capacity > 1 << 20 {
                connection.output = []
            } else {
                connection.output.removeAll(keepingCapacity: true)
            }
            connection.outputOffset = 0
            if connection.closeAfterFlush && connection.inFlight == nil && !webSocketAwaitsClose(connection) {
                closeConnection(connection)
                return
            }
        } else if connection.pendingOutputCount > core.configuration.maxPendingOutputBytes {
            closeConnection(connection)
            return
        } else if connection.outputOffset > 1 << 16 && connection.outputOffset > connection.output.count / 2 {
            connection.output.removeFirst(connection.outputOffset)
            connection.outputOffset = 0
        }
        updateInterest(connection)
    }

    /// Writes what the socket takes of the pending output: the count written, 0 when it would
    /// block, -1 when the connection is broken.
    private func transmit(_ connection: Connection) -> Int {
        if let tls = connection.tls {
            let outcome = connection.output.withUnsafeBytes { raw in
                tls.write(raw.baseAddress! + connection.outputOffset, count: connection.pendingOutputCount)
            }
            switch outcome {
            case .done(let count): return count
            case .wantRead, .wantWrite: return 0
            case .closed, .failed: return -1
            }
        }
        let written = connection.output.withUnsafeBytes { raw in
            send(
                connection.fd, raw.baseAddress! + connection.outputOffset, connection.pendingOutputCount,
                clinux_msg_nosignal)
        }
        if written > 0 { return written }
        return written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1
    }

    /// After our close frame we keep reading until the peer's close arrives or the timeout fires.
    private func webSocketAwaitsClose(_ connection: Connection) -> Bool {
        guard case .webSocket(let state) = connection.mode else { return false }
        return state.closeSentAt != nil && !state.closeReceived && !connection.peerClosed
    }
}
