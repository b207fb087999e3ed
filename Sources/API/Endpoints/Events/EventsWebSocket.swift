import Operations
import Server
import Synchronization

/// LXD's form of `GET /1.0/events`: one text frame per event, pings with payload `keepalive` right
/// after the upgrade and every 10 s, and a client that answers none for 30 s is disconnected. Data
/// frames from the client are ignored (LXD uses them only between cluster members).
enum EventsWebSocket {
    static let pingInterval: Duration = .seconds(10)
    static let pongTimeout: Duration = .seconds(30)

    /// RFC 6455 §7.4.1: 1008 is the generic "the endpoint broke a rule" code; here, falling behind
    /// or not answering pings.
    static let policyViolation: UInt16 = 1008

    static func serve(_ feed: EventFeed, on session: WebSocketSession) async {
        defer { feed.subscription.cancel() }
        let lastPong = PongClock()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pump(feed, to: session) }
            group.addTask { await keepalive(session, lastPong: lastPong) }
            group.addTask {
                // Ends when the connection closes, whoever closed it.
                for await message in session.messages {
                    if case .pong = message { lastPong.heard() }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private static func pump(_ feed: EventFeed, to session: WebSocketSession) async {
        do {
            for try await item in feed {
                switch item {
                case .event(_, _, let body):
                    if session.pendingBytes > EventsStream.slowConsumerBytes {
                        session.close(code: policyViolation, reason: EventsStream.slowConsumerReason)
                        return
                    }
                    try session.send(text: String(decoding: body, as: UTF8.self))
                case .overflow(let reason):
                    session.close(code: policyViolation, reason: reason)
                    return
                }
            }
        } catch is ServerError {
            // The client is gone.
        } catch {
            session.close(code: 1011, reason: "Cannot replay events: \(error)")
        }
    }

    private static func keepalive(_ session: WebSocketSession, lastPong: PongClock) async {
        let payload = Array("keepalive".utf8)
        while true {
            do { try session.ping(payload) } catch { return }
            guard (try? await Task.sleep(for: pingInterval)) != nil else { return }
            if lastPong.silence >= pongTimeout {
                session.close(
                    code: policyViolation, reason: "No pong received for \(pongTimeout.components.seconds) seconds")
                return
            }
        }
    }

    /// When the client last answered a ping (or connected).
    private final class PongClock: Sendable {
        private let last = Mutex(ContinuousClock.now)

        func heard() { last.withLock { $0 = .now } }

        var silence: Duration { ContinuousClock.now - last.withLock { $0 } }
    }
}
