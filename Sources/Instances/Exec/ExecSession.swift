import Drivers
import Foundation
import Synchronization

/// The live side of one exec or console operation: the secret of each websocket (`fds`), the
/// client streams attached so far, and the process once it runs. It lives in memory only: after a
/// restart its operation fails, as its process and connections are gone.
public final class ExecSession: Sendable {
    /// Names the session in its operation's payload, so the step finds it whatever the timing of
    /// the operation id.
    public let token: String
    /// fd name (`0`, `1`, `2`, `control`) → 64 hex digits, as LXD makes them.
    public let secrets: [String: String]
    /// A terminal carries input and output on `0`; pipes use `0`, `1` and `2`.
    public let terminal: Bool
    /// The fds that must be connected before the process starts (`control` is optional: pylxd never
    /// opens it).
    let required: Set<String>
    /// A console ends when its client leaves; an exec runs on without its clients, as in LXD.
    let isConsole: Bool
    private let state = Mutex<State>(State())

    struct State {
        var streams: [String: any ExecStream] = [:]
        var process: ExecProcess?
        /// Input that arrived before the process started.
        var earlyInput: [UInt8] = []
        var inputEnded = false
        var connectedWaiter: CheckedContinuation<Bool, Never>?
        var finished = false
    }

    /// Why a websocket cannot attach.
    public enum AttachRefusal: Error, Equatable {
        case wrongSecret
        case alreadyConnected
        case finished
    }

    init(fds: [String], terminal: Bool, required: Set<String>, console: Bool = false) {
        token = Self.makeSecret()
        isConsole = console
        var secrets: [String: String] = [:]
        for fd in fds { secrets[fd] = Self.makeSecret() }
        self.secrets = secrets
        self.terminal = terminal
        self.required = required
    }

    /// The fd a secret opens, checked before the upgrade so a wrong one gets a plain 403.
    public func fd(forSecret secret: String) throws(AttachRefusal) -> String {
        guard let fd = secrets.first(where: { !secret.isEmpty && $0.value == secret })?.key else {
            throw .wrongSecret
        }
        return try state.withLock { state throws(AttachRefusal) in
            if state.finished { throw .finished }
            if state.streams[fd] != nil { throw .alreadyConnected }
            return fd
        }
    }

    /// Runs one connection until the session ends or the client goes away: input on `0` goes to
    /// the process, `control` messages resize and signal it.
    public func attach(fd: String, stream: any ExecStream) async {
        // Continuations are resumed outside the lock: resuming takes the waiting task's status
        // lock, which its cancellation handler holds while it waits for this one.
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Bool, Never>?) in
            guard !state.finished, state.streams[fd] == nil else { return (false, nil) }
            state.streams[fd] = stream
            guard required.isSubset(of: Set(state.streams.keys)) else { return (true, nil) }
            defer { state.connectedWaiter = nil }
            return (true, state.connectedWaiter)
        }
        waiter?.resume(returning: true)
        guard accepted else { return }
        // No task group racing a finish signal: `finish()` ends `messages` instead.
        for await message in stream.messages { receive(message, on: fd) }
        disconnected(fd)
    }

    /// Waits until the required fds are connected; false after `timeout` or on cancellation.
    func waitForConnections(timeout: Duration) async -> Bool {
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            resolveConnected(false)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool? in
                    if required.isSubset(of: Set(state.streams.keys)) { return true }
                    if state.finished { return false }
                    state.connectedWaiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            resolveConnected(false)
        }
    }

    /// Hands the running process its queued input and sends output to the clients from now on.
    func started(_ process: ExecProcess) {
        // Under the lock, so input arriving meanwhile can neither overtake the queued input nor
        // find the input ended before the queued bytes are written.
        state.withLock { state in
            state.process = process
            process.write(state.earlyInput)
            state.earlyInput = []
            if state.inputEnded { process.endInput() }
        }
    }

    /// Where the process's output goes: a terminal's to `0`, pipes' to `1` and `2`. Runs on the
    /// process's I/O thread and waits there while the client is far behind.
    func deliver(_ fd: Int, _ bytes: [UInt8]) {
        let name = terminal ? "0" : String(fd)
        guard let stream = state.withLock({ $0.streams[name] }) else { return }
        var waited = 0
        while stream.pendingBytes > Self.maxPendingBytes && !stream.isClosed && waited < 30_000 {
            usleep(1000)
            waited += 1
        }
        stream.send(bytes)
    }

    /// The process ended: end of stream on the output fds (LXD's empty text frame), then every
    /// connection closes.
    func finish() {
        let (streams, waiter) = state.withLock {
            state -> ([String: any ExecStream], CheckedContinuation<Bool, Never>?) in
            guard !state.finished else { return ([:], nil) }
            state.finished = true
            state.process = nil
            defer { state.connectedWaiter = nil }
            return (state.streams, state.connectedWaiter)
        }
        waiter?.resume(returning: false)
        for name in terminal ? ["0"] : ["1", "2"] { streams[name]?.sendEnd() }
        for stream in streams.values { stream.endMessages() }
    }

    private func receive(_ message: ExecStreamMessage, on fd: String) {
        switch (fd, message) {
        case ("0", .binary(let bytes)): input(bytes)
        case ("0", .text(let text)):
            // An empty text frame is the client's end of input; other text is input too.
            if text.isEmpty { endInput() } else { input(Array(text.utf8)) }
        case ("control", .text(let text)):
            guard let control = ExecControlMessage(json: text), let process = state.withLock({ $0.process }) else {
                return
            }
            switch control {
            case .resize(let columns, let rows): process.resize(TerminalSize(columns: columns, rows: rows))
            case .signal(let signal): process.signal(signal)
            }
        default: break
        }
    }

    private func input(_ bytes: [UInt8]) {
        let process = state.withLock { state -> ExecProcess? in
            if state.process == nil { state.earlyInput += bytes }
            return state.process
        }
        process?.write(bytes)
    }

    private func endInput() {
        let process = state.withLock { state -> ExecProcess? in
            state.inputEnded = true
            return state.process
        }
        process?.endInput()
    }

    /// A client that closes stdin's websocket (pylxd sends a close frame) ends the input; one that
    /// leaves a console detaches it.
    private func disconnected(_ fd: String) {
        if fd == "0" && !terminal { endInput() }
        if isConsole && (fd == "0" || fd == "control") {
            state.withLock { $0.process }?.kill()
        }
    }

    private func resolveConnected(_ value: Bool) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            defer { state.connectedWaiter = nil }
            return state.connectedWaiter
        }
        waiter?.resume(returning: value)
    }

    /// Bytes a client may fall behind before the command's output is read more slowly.
    static let maxPendingBytes = 4 << 20

    private static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
        }.joined()
    }
}
