import CLinux
import HTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One epoll loop on its own thread (level-triggered). It owns its connections outright: only its
/// thread reads or writes them, and other threads reach it through `EventLoopHandle.execute`. This is
/// the design measured fastest here (shared/reference/swift-foundations.md §2).
final class EventLoop {
    static let wakeToken = UInt64.max
    static let sweepIntervalMilliseconds: Int64 = 250

    let handle: EventLoopHandle
    let core: ServerCore
    let epollFD: Int32
    var listeners: [UInt64: Listener] = [:]
    var connections: [UInt64: Connection] = [:]
    var dateCache = DateHeaderCache()
    var now: Int64
    private var lastSweep: Int64
    var draining = false
    private(set) var stopped = false
    /// Reused for every read; bytes are copied into the parser at once.
    let readBuffer: UnsafeMutableRawBufferPointer

    init(handle: EventLoopHandle, core: ServerCore, listeners: [Listener]) throws(SystemError) {
        self.handle = handle
        self.core = core
        let fd = clinux_epoll_create()
        guard fd >= 0 else { throw SystemError("epoll_create1") }
        epollFD = fd
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        now = MonotonicClock.nowMilliseconds()
        lastSweep = now
        guard clinux_epoll_ctl(fd, clinux_epoll_ctl_add, handle.wakeFD, clinux_epollin, Self.wakeToken) == 0 else {
            throw SystemError("epoll_ctl", detail: "eventfd")
        }
        for listener in listeners {
            guard
                clinux_epoll_ctl(
                    fd, clinux_epoll_ctl_add, listener.fd, clinux_epollin | clinux_epollexclusive, listener.token)
                    == 0
            else { throw SystemError("epoll_ctl", detail: "listener") }
            self.listeners[listener.token] = listener
        }
    }

    deinit {
        close(epollFD)
        readBuffer.deallocate()
    }

    /// Runs until the server has drained and this loop holds no connection.
    func run() {
        let capacity = 256
        var tokens = [UInt64](repeating: 0, count: capacity)
        var events = [UInt32](repeating: 0, count: capacity)
        while !stopped {
            let ready = clinux_epoll_wait(
                epollFD, &tokens, &events, Int32(capacity), Int32(Self.sweepIntervalMilliseconds))
            now = MonotonicClock.nowMilliseconds()
            if ready < 0 && errno != EINTR { break }
            for index in 0..<max(0, Int(ready)) {
                dispatch(token: tokens[index], events: events[index])
            }
            if now - lastSweep >= Self.sweepIntervalMilliseconds {
                lastSweep = now
                sweepTimeouts()
            }
            if draining && connections.isEmpty { stopped = true }
        }
        for connection in Array(connections.values) { closeConnection(connection) }
    }

    private func dispatch(token: UInt64, events: UInt32) {
        if token == Self.wakeToken {
            _ = clinux_eventfd_drain(handle.wakeFD)
            for job in handle.takeJobs() { job(self) }
            return
        }
        if let listener = listeners[token] {
            acceptConnections(from: listener)
            return
        }
        guard let connection = connections[token] else { return }
        if events & (clinux_epollerr) != 0 {
            closeConnection(connection)
            return
        }
        var writable = events & clinux_epollout != 0
        var readable = events & (clinux_epollin | clinux_epollhup | clinux_epollrdhup) != 0
        if let tls = connection.tls {
            guard tls.isEstablished else {
                continueHandshake(connection)
                return
            }
            // A TLS read may need the socket writable (a key update to answer) and a write readable.
            if tls.readWantsWrite && writable { readable = true }
            if tls.writeWantsRead && readable { writable = true }
        }
        if writable {
            flush(connection)
            guard connections[token] != nil else { return }
        }
        if readable {
            readAvailable(connection, hangup: events & (clinux_epollhup | clinux_epollrdhup) != 0)
        }
    }

    /// Adds or changes the epoll interest of `connection` to match what it needs now: input unless a
    /// response is in flight or the peer is gone, output while bytes are pending.
    func updateInterest(_ connection: Connection) {
        var wanted: UInt32 = clinux_epollrdhup
        let acceptsInput: Bool
        switch connection.mode {
        case .http: acceptsInput = connection.inFlight == nil && !connection.closeAfterFlush
        case .webSocket: acceptsInput = true
        }
        if acceptsInput && !connection.peerClosed { wanted |= clinux_epollin }
        if connection.pendingOutputCount > 0 { wanted |= clinux_epollout }
        if connection.peerClosed { wanted &= ~clinux_epollrdhup }
        if let tls = connection.tls { wanted = tlsInterest(connection, tls, http: wanted) }
        guard wanted != connection.interest else { return }
        let op = connection.interest == 0 ? clinux_epoll_ctl_add : clinux_epoll_ctl_mod
        _ = clinux_epoll_ctl(epollFD, op, connection.fd, wanted, connection.id)
        connection.interest = wanted
    }

    func closeConnection(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        _ = clinux_epoll_ctl(epollFD, clinux_epoll_ctl_del, connection.fd, 0, 0)
        // Before the close: a peer that sees it and reconnects at once must find its slot free.
        if case .tcp(let address, _) = connection.peer { core.peerConnections.release(address) }
        // close_notify, unless output is stuck: then the peer is not reading and the alert could
        // only land after a partial record.
        if connection.pendingOutputCount == 0 { connection.tls?.shutdown() }
        close(connection.fd)
        core.openConnections.subtract(1, ordering: .relaxed)
        connection.parser.abandon()
        if case .stream(_, let writer, let task) = connection.inFlight {
            writer.markClosed()
            task?.cancel()
        }
        connection.inFlight = nil
        if case .webSocket(let state) = connection.mode {
            state.session.markClosed()
            state.handlerTask?.cancel()
        }
    }
}
