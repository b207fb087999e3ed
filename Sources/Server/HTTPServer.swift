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
/// `shutdown(gracePeriodMilliseconds:)` (stop accepting, finish in-flight requests, close).
public final class HTTPServer: Sendable {
    private let core: ServerCore
    private let state = Mutex<State>(State())

    private struct State {
        var handles: [EventLoopHandle] = []
        var listeners: [Listener] = []
        var running = 0
        var started = false
    }

    public init(configuration: ServerConfiguration = .init(), responder: any HTTPResponder) {
        core = ServerCore(configuration: configuration, responder: responder)
    }

    /// Connections currently open across every loop.
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }

    /// Binds every address, then starts the loops. Returns the bound addresses (TCP port 0 resolved).
    @discardableResult
    public func start(listening addresses: [ListenAddress]) throws -> [ListenAddress] {
        signal(SIGPIPE, SIG_IGN)
        var bound: [Listener] = []
        do {
            for address in addresses { bound.append(try Listener.bind(address)) }
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
        let (handles, listeners) = state.withLock { ($0.handles, $0.listeners) }
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
        for listener in listeners { listener.close() }
        state.withLock { $0.listeners = [] }
        while state.withLock({ $0.running }) > 0 {
            if ContinuousClock.now >= deadline {
                for handle in handles { handle.execute { loop in loop.forceClose() } }
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// How many loops have stopped polling the listeners.
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
