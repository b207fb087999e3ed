import Foundation
import HTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A hand-written HTTP/1.1 + WebSocket server on epoll: `loopCount` threads, each with its own epoll
/// set and connections, all polling the shared listening sockets.
///
/// Lifecycle: `init` → `start(listening:)` (binds synchronously, so a busy port fails at once) →
/// `shutdown(gracePeriodMilliseconds:)` (stop accepting, finish in-flight requests, close). While it
/// runs, `addListener(_:)` and `removeListener(_:)` change where it accepts (`core.https_address`).
public final class HTTPServer: Sendable {
    private let core: ServerCore
    private let state = Mutex<State>(State())

    private struct State {
        var handles: [EventLoopHandle] = []
        var listeners: [Listener] = []
        var running = 0
        var started = false
        /// Loops that have not yet run the last `loopsAreResponsive` job.
        var heartbeat: DrainAcknowledgements?
    }

    public init(configuration: ServerConfiguration = .init(), responder: any HTTPResponder) {
        core = ServerCore(configuration: configuration, responder: responder)
    }

    /// Connections currently open across every loop.
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }

    /// Requests received since start, on every listener.
    public var requestsReceived: UInt64 { core.nextRequestID.load(ordering: .relaxed) - 1 }

    /// Binds every address and serves every socket passed by the service manager (`adopting`: a unix
    /// socket as a unix listener, a TCP socket as HTTPS), then starts the loops. Returns the addresses
    /// listened on (TCP port 0 resolved), adopted ones last.
    @discardableResult
    public func start(listening addresses: [ListenAddress], adopting sockets: [InheritedSocket] = []) throws
        -> [ListenAddress]
    {
        signal(SIGPIPE, SIG_IGN)
        var bound: [Listener] = []
        do {
            for address in addresses { bound.append(try core.bind(address)) }
            for socket in sockets { bound.append(try core.adopt(socket)) }
        } catch {
            for listener in bound { listener.close() }
            throw error
        }
        let listeners = bound
        let loopCount = max(1, core.configuration.loopCount)
        var handles: [EventLoopHandle] = []
        for index in 0..<loopCount { handles.append(try EventLoopHandle(index: index)) }
        state.withLock {
            $0.handles = handles
            $0.listeners = listeners
            $0.running = loopCount
            $0.started = true
        }
        let startup = LoopStartup()
        for handle in handles {
            let core = self.core
            let thread = Thread { [weak self] in
                let loop: EventLoop
                do throws(SystemError) {
                    loop = try EventLoop(handle: handle, core: core, listeners: listeners)
                } catch {
                    startup.failure.withLock { $0 = error }
                    startup.ready.signal()
                    self?.loopDidExit()
                    return
                }
                startup.ready.signal()
                loop.run()
                self?.loopDidExit()
            }
            thread.name = "berth-loop-\(handle.index)"
            thread.start()
        }
        for _ in handles { startup.ready.wait() }
        if let error = startup.failure.withLock({ $0 }) { throw error }
        return listeners.map(\.boundAddress)
    }

    /// Stops accepting at once, lets in-flight requests finish for up to `gracePeriodMilliseconds`,
    /// then closes whatever is left. Returns when every loop thread has exited.
    public func shutdown(gracePeriodMilliseconds: Int64 = 10_000) async {
        core.draining.store(true, ordering: .relaxed)
        let handles = state.withLock { $0.handles }
        let drained = DrainAcknowledgements()
        for handle in handles {
            handle.execute { loop in
                loop.beginDrain()
                drained.count.add(1, ordering: .releasing)
            }
        }
        let deadline = ContinuousClock.now + .milliseconds(gracePeriodMilliseconds)
        // Close the sockets only after every loop has dropped them from its epoll set: a closed
        // descriptor number is reused at once, and a loop must never accept on someone else's socket.
        while drained.count.load(ordering: .acquiring) < handles.count && state.withLock({ $0.running }) > 0
            && ContinuousClock.now < deadline
        {
            try? await Task.sleep(for: .milliseconds(1))
        }
        let listeners = state.withLock { state in
            defer { state.listeners = [] }
            return state.listeners
        }
        for listener in listeners { listener.close() }
        while state.withLock({ $0.running }) > 0 {
            if ContinuousClock.now >= deadline {
                for handle in handles { handle.execute { loop in loop.forceClose() } }
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Binds one more address on a running server; every loop polls it from its next wake-up.
    /// Returns the bound address (TCP port 0 resolved), which is also what `removeListener` takes.
    @discardableResult
    public func addListener(_ address: ListenAddress) throws -> ListenAddress {
        let listener = try core.bind(address)
        let handles = state.withLock { state -> [EventLoopHandle]? in
            guard state.started, !core.draining.load(ordering: .relaxed) else { return nil }
            state.listeners.append(listener)
            return state.handles
        }
        guard let handles else {
            listener.close()
            throw SystemError("listen", errno: ESHUTDOWN, detail: "\(address): the server is not running")
        }
        for handle in handles { handle.execute { loop in loop.addListener(listener) } }
        return listener.boundAddress
    }

    /// Stops accepting on `address` (as `start` or `addListener` returned it); connections accepted
    /// there are served to their end. Returns once the socket is closed and the port free again.
    public func removeListener(_ address: ListenAddress) async {
        let found = state.withLock { state -> (Listener, [EventLoopHandle])? in
            guard let index = state.listeners.firstIndex(where: { $0.boundAddress == address }) else { return nil }
            return (state.listeners.remove(at: index), state.handles)
        }
        guard let (listener, handles) = found else { return }
        let removed = DrainAcknowledgements()
        let token = listener.token
        for handle in handles {
            handle.execute { loop in
                loop.removeListener(token: token)
                removed.count.add(1, ordering: .releasing)
            }
        }
        // As in shutdown: the descriptor is closed only once no loop polls it any more.
        while removed.count.load(ordering: .acquiring) < handles.count && state.withLock({ $0.running }) > 0 {
            try? await Task.sleep(for: .milliseconds(1))
        }
        listener.close()
    }

    /// Whether every loop ran the job the previous call queued, for the service manager's watchdog:
    /// a loop stuck in a handler or a system call stops the pings, so systemd restarts the daemon.
    /// Call it at intervals longer than a loop ever needs to go round; the first call, and any call
    /// while the server is not running or draining, reports healthy.
    public func loopsAreResponsive() -> Bool {
        let (handles, pending) = state.withLock { state -> ([EventLoopHandle], Int) in
            guard state.started, !core.draining.load(ordering: .relaxed) else { return ([], 0) }
            return (state.handles, state.heartbeat?.count.load(ordering: .acquiring) ?? 0)
        }
        guard !handles.isEmpty else { return true }
        guard pending == 0 else { return false }
        let heartbeat = DrainAcknowledgements()
        heartbeat.count.store(handles.count, ordering: .relaxed)
        state.withLock { $0.heartbeat = heartbeat }
        for handle in handles { handle.execute { _ in heartbeat.count.subtract(1, ordering: .releasing) } }
        return true
    }

    /// How many loops have done what they were asked (stopped polling the listeners, or run a
    /// heartbeat job).
    private final class DrainAcknowledgements: Sendable {
        let count = Atomic<Int>(0)
    }

    /// What loop threads report back while `start` waits for them.
    private final class LoopStartup: Sendable {
        let ready = DispatchSemaphore(value: 0)
        let failure = Mutex<SystemError?>(nil)
    }

    private func loopDidExit() {
        state.withLock { $0.running -= 1 }
    }
}
