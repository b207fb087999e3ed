import Foundation
import JSON
import Log
import Store
import Synchronization

/// The single writer of the operation store, with group commit.
///
/// One thread owns the write connection. Writes queue up while a commit is in progress and all of
/// them go into the next transaction, each in a savepoint of its own (one failing write does not undo
/// the others). So the cost of a durable commit (`synchronous=FULL`: an fsync of the WAL) is shared by
/// everything that arrived meanwhile, and callers resume only once their write is on disk — which is
/// what lets `POST` answer `202` after the operation is committed and still serve thousands per second.
///
/// Events emitted by a write get their ids here, in commit order, are stored in the same transaction,
/// and are published to the bus after the commit: live delivery, storage and replay share one order.
final class StoreWriter: Sendable {
    typealias Finish = @Sendable ((any Error)?) -> Void

    private struct Item: Sendable {
        /// Runs the write (inside its savepoint) and returns how to resume its caller once the batch
        /// has committed or failed.
        let perform: @Sendable (WriteTransaction) -> Finish
    }

    private struct Queue {
        var items: [Item] = []
        var stopped = false
    }

    private let queue = Mutex<Queue>(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let events: EventBus?
    private let logger: Logger
    /// The next event id; only the writer thread touches it.
    private let nextEventID: Atomic<Int64>

    /// Opens the write connection and starts the writer thread.
    init(path: String, events: EventBus?, logger: Logger) throws {
        let connection = try SQLiteConnection(path: path)
        // Durable against power loss, not only against a crashed process: group commit pays for it.
        try connection.execute("PRAGMA synchronous = FULL")
        try Migrator.migrate(connection, Schema.migrations)
        nextEventID = Atomic(try connection.maxEventID() + 1)
        self.events = events
        self.logger = logger
        let box = ConnectionBox(connection)
        let thread = Thread { [self] in self.run(box.take()) }
        thread.name = "berth-store-writer"
        thread.start()
    }

    /// Runs `body` in the next group commit and returns its result once that commit is durable.
    func write<T: Sendable>(_ body: @escaping @Sendable (WriteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let item = Item { transaction in
                do {
                    let value = try transaction.connection.transaction(.immediate) { _ in try body(transaction) }
                    return { error in
                        if let error {
                            continuation.resume(throwing: error)
                        } else {
                            continuation.resume(returning: value)
                        }
                    }
                } catch {
                    // Rolled back to its savepoint: what it emitted never happened.
                    transaction.drafts.removeAll()
                    return { _ in continuation.resume(throwing: error) }
                }
            }
            if !enqueue(item) { continuation.resume(throwing: StoreWriterError.stopped) }
        }
    }

    /// Queues `body` for the next group commit without waiting for it. Writes keep their order: a
    /// later `write` or `send` commits after this one. A failure is logged.
    func send(_ body: @escaping @Sendable (WriteTransaction) throws -> Void) {
        let logger = self.logger
        let item = Item { transaction in
            do {
                try transaction.connection.transaction(.immediate) { _ in try body(transaction) }
                return { error in
                    if let error { logger.error("queued write not committed", ["error": "\(error)"]) }
                }
            } catch {
                transaction.drafts.removeAll()
                return { _ in logger.error("queued write failed", ["error": "\(error)"]) }
            }
        }
        if !enqueue(item) { logger.warn("write dropped: the operation store is shut down") }
    }

    /// Commits what is queued, then stops the thread. Later writes fail with `.stopped`.
    func stop() {
        let wasRunning = queue.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard wasRunning else { return }
        wake.signal()
        finished.wait()
    }

    private func enqueue(_ item: Item) -> Bool {
        let (accepted, wasEmpty) = queue.withLock { state -> (Bool, Bool) in
            guard !state.stopped else { return (false, false) }
            state.items.append(item)
            return (true, state.items.count == 1)
        }
        if wasEmpty { wake.signal() }
        return accepted
    }

    private func run(_ connection: SQLiteConnection) {
        while true {
            let (batch, stopped) = queue.withLock { state -> ([Item], Bool) in
                let taken = state.items
                state.items.removeAll(keepingCapacity: true)
                return (taken, state.stopped)
            }
            if batch.isEmpty {
                if stopped { break }
                wake.wait()
                continue
            }
            commit(batch, on: connection)
        }
        connection.close()
        finished.signal()
    }

    private func commit(_ batch: [Item], on connection: SQLiteConnection) {
        let firstEventID = nextEventID.load(ordering: .relaxed)
        var eventID = firstEventID
        var finishes: [Finish] = []
        var published: [Event] = []
        var commitError: (any Error)?
        do {
            try connection.execute("BEGIN IMMEDIATE")
            for item in batch {
                let transaction = WriteTransaction(connection: connection)
                finishes.append(item.perform(transaction))
                let now = Timestamp.now()
                for draft in transaction.drafts {
                    let event = Event(
                        id: eventID, type: draft.type, timestamp: now, project: draft.project, metadata: draft.metadata)
                    eventID += 1
                    if draft.stored {
                        try connection.insertEvent(
                            EventRow(
                                id: event.id, type: draft.type.rawValue, project: draft.project,
                                timestamp: now.nanoseconds, body: String(decoding: event.body, as: UTF8.self)))
                    }
                    published.append(event)
                }
            }
            try connection.execute("COMMIT")
        } catch {
            commitError = error
            try? connection.execute("ROLLBACK")
            eventID = firstEventID
            published = []
            logger.error("operation store commit failed", ["error": "\(error)", "writes": String(batch.count)])
        }
        nextEventID.store(eventID, ordering: .relaxed)
        if !published.isEmpty { events?.publish(published) }
        for finish in finishes { finish(commitError) }
    }
}

/// Moves the non-Sendable connection into the writer thread exactly once.
private final class ConnectionBox: @unchecked Sendable {
    // `@unchecked`: written in init, read once by the writer thread after `Thread.start`, which
    // orders the two; nothing else touches it.
    private var connection: SQLiteConnection?
    init(_ connection: SQLiteConnection) { self.connection = connection }
    func take() -> SQLiteConnection {
        defer { connection = nil }
        return connection!
    }
}

/// Failures of the writer itself.
enum StoreWriterError: Error, CustomStringConvertible {
    case stopped

    var description: String { "the operation store is shut down" }
}
