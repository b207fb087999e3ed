import CLinux
import HTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Accepts what is waiting, a bounded batch per wake so one busy listener cannot starve the
    /// connections this loop already serves.
    func acceptConnections(from listener: Listener) {
        for _ in 0..<64 {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    clinux_accept4(listener.fd, $0, &length, clinux_sock_nonblock_cloexec)
                }
            }
            if fd < 0 { return }  // EAGAIN: another loop took it, or the queue is empty.
            admit(fd: fd, listener: listener, address: address)
        }
    }

    private func admit(fd: Int32, listener: Listener, address: sockaddr_storage) {
        let open = core.openConnections.add(1, ordering: .relaxed).newValue
        if open > core.configuration.maxConnections || draining {
            // Refuse cleanly: a complete 503 the client can read, then close. Best effort: a fresh
            // socket's send buffer takes a response this small. A TLS client could not read it.
            if listener.tls == nil {
                core.overloadResponse.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, clinux_msg_nosignal) }
            }
            close(fd)
            core.openConnections.subtract(1, ordering: .relaxed)
            return
        }
        let peer: Peer
        switch listener.transport {
        case .unix:
            var uid: UInt32 = 0
            var gid: UInt32 = 0
            var pid: Int32 = 0
            if clinux_peercred(fd, &uid, &gid, &pid) != 0 {
                (uid, gid, pid) = (UInt32.max, UInt32.max, 0)
            }
            peer = .unix(uid: uid, gid: gid, pid: pid)
        case .tcp, .tls:
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let described = TCPAddress.describe(address)
            peer = .tcp(address: described.address, port: described.port)
        }
        var tls: TLSConnection?
        if let context = listener.tls {
            guard let session = context.makeConnection(fd: fd) else {
                close(fd)
                core.openConnections.subtract(1, ordering: .relaxed)
                return
            }
            tls = session
        }
        // Unix-socket peers are local and trusted; a TCP address gets its share and no more.
        if case .tcp(let address, _) = peer,
            !core.peerConnections.admit(address, limit: core.configuration.maxConnectionsPerPeer)
        {
            if tls == nil {
                core.overloadResponse.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, clinux_msg_nosignal) }
            }
            close(fd)
            core.openConnections.subtract(1, ordering: .relaxed)
            return
        }
        let id = core.nextConnectionID.add(1, ordering: .relaxed).oldValue
        let connection = Connection(
            id: id, fd: fd, transport: listener.transport, peer: peer, tls: tls,
            limits: core.configuration.parserLimits, now: now)
        connection.parser.bodySinkProvider = core.configuration.bodySinkProvider
        connections[id] = connection
        updateInterest(connection)
    }
}
