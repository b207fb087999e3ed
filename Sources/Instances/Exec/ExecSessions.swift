import Synchronization

/// The exec and console sessions of this process, by the token in their operation's payload (for
/// the step) and by operation id (for the websocket endpoint). A session is added before its
/// operation is submitted and removed when its step ends.
public final class ExecSessions: Sendable {
    private let state = Mutex<(byToken: [String: ExecSession], byOperation: [String: ExecSession])>(([:], [:]))

    public init() {}

    public func session(operationID: String) -> ExecSession? { state.withLock { $0.byOperation[operationID] } }

    func session(token: String) -> ExecSession? { state.withLock { $0.byToken[token] } }

    func add(_ session: ExecSession) { state.withLock { $0.byToken[session.token] = session } }

    func bind(_ session: ExecSession, to operationID: String) {
        state.withLock { state in
            // Not when the operation already ended (a refused or very short one).
            if state.byToken[session.token] != nil { state.byOperation[operationID] = session }
        }
    }

    func remove(_ session: ExecSession) {
        state.withLock { state in
            state.byToken[session.token] = nil
            state.byOperation = state.byOperation.filter { $0.value !== session }
        }
    }
}
