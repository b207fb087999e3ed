import Foundation
import JSON
import Log
import Store
import Synchronization

/// The single writer of the operation store, with group commit.
///
/// One thread owns the write connection. Writes queue up while a commit is in progress and all of
/// them go into the next transaction. So the cost of a durable commit (`synchronous=FULL`: an fsync of
/// the WAL) is shared by everything that arrived meanwhile, and callers resume only once their write
/// is on disk — which is what lets `POST` answer `202` after the operation is committed and still
/// serve thousands per second. A write that throws does not undo the others: the batch is rolled back
/// and run again without it (no savepoint per write, which cost as much as the writes themselves).
///
/// Events emitted by a write get their ids here, in commit order, are stored in the same transaction,
/// and are published to the bus after the commit: live delivery, storage and replay share one order.
/// Publishing and resuming callers happen on a second thread, in commit order, so the writer can
/// start the next batch at once.
final class StoreWriter: Sendable {
    typealias Finish = @Sendable ((any Error)?) -> Void

    private struct Item: Sendable {
        /// Runs the write inside the batch's transaction and returns how to resume its caller once
        /// the batch has committed or failed. May run more than once: a rolled-back run never happened.
        let perform: @Sendable (WriteTransaction) throws -> Finish
        /// Resumes the caller when its own write threw; the batch goes on without it.
        let reject: @Sendable (any Error) -> Void
        /// The rows this write brings up to date (an operation and its job), and whether a later
        /// write of the same rows in the batch makes its own row updates unnecessary.
        var rowKey: String? = nil
        var supersedable = false
    }

    private struct Queue {
        var items: [Item] = []
        var stopped = false
    }

    /// What a commit hands to the publishing thread.
    private struct Outcome: Sendable {
        let events: [Event]
        let finishes: [Finish]
        let rejections: [(reject: @Sendable (any Error) -> Void, error: any Error)]
        let error: (any Error)?
    }

    private let queue = Mutex<Queue>(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let outcomes = Mutex<(pending: [Outcome], stopped: Bool)>(([], false))
    private let outcomeReady = DispatchSemaphore(value: 0)
    private let publisherFinished = DispatchSemaphore(value: 0)
    private let events: EventBus?
    private let logger: Logger
    /// The next event id; only the writer thread touches it.
    private let nextEventID: Atomic<Int64>

    /// Opens the write connection and starts the writer and publishing threads.
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
        let publisher = Thread { [self] in self.publish() }
        publisher.name = "berth-store-publish"
        publisher.start()
    }

    /// Runs `body` in the next group commit and returns its result once that commit is durable.
    /// `body` must only write through the transaction: it may run again if another write of its
    /// batch throws (the first run is rolled back).
    func write<T: Sendable>(_ body: @escaping @Sendable (WriteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let item = Item(
                perform: { transaction in
                    let value = try body(transaction)
                    return { error in
                        if let error {
                            continuation.resume(throwing: error)
                        } else {
                            continuation.resume(returning: value)
                        }
                    }
                },
                reject: { continuation.resume(throwing: $0) })
            if !enqueue(item) { continuation.resume(throwing: StoreWriterError.stopped) }
        }
    }

    /// Queues `body` for the next group commit without waiting for it. Writes keep their order: a
    /// later `write` or `send` commits after this one — in the same transaction or a later one, so
    /// once a later write is durable, so is this one. `completion` runs once the commit is durable
    /// (nil) or has failed, on the publishing thread, after the commit's events are published; a
    /// failure is also logged. Like `write`, `body` may run more than once.
    ///
    /// `rowKey` names the rows the write brings to their current state (e.g. `op:<id>` for an
    /// operation and its job); with `supersedable`, a later write with the same key in the same batch
    /// sets `rowsSuperseded` for this one. A job whose step starts and ends within one commit then
    /// updates its rows once instead of twice.
    func send(
        rowKey: String? = nil, supersedable: Bool = false,
        _ body: @escaping @Sendable (WriteTransaction) throws -> Void,
        completion: (@Sendable ((any Error)?) -> Void)? = nil
    ) {
        let logger = self.logger
        var item = Item(
            perform: { transaction in
                try body(transaction)
                return { error in
                    if let error { logger.error("queued write not committed", ["error": "\(error)"]) }
                    completion?(error)
                }
            },
            reject: { error in
                logger.error("queued write failed", ["error": "\(error)"])
                completion?(error)
            })
        item.rowKey = rowKey
        item.supersedable = supersedable
        if !enqueue(item) {
            logger.warn("write dropped: the operation store is shut down")
            completion?(StoreWriterError.stopped)
        }
    }

    /// Commits what is queued, tells its callers, then stops both threads. Later writes fail with
    /// `.stopped`.
    func stop() {
        let wasRunning = queue.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard wasRunning else { return }
        wake.signal()
        finished.wait()
        outcomes.withLock { $0.stopped = true }
        outcomeReady.signal()
        publisherFinished.wait()
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
            let outcome = commit(batch, on: connection)
            let wasEmpty = outcomes.withLock { state -> Bool in
                state.pending.append(outcome)
                return state.pending.count == 1
            }
            if wasEmpty { outcomeReady.signal() }
        }
        connection.close()
        finished.signal()
    }

    /// Runs the batch in one transaction. A write that throws rolls the transaction back and the
    /// batch runs again without it.
    private func commit(_ batch: [Item], on connection: SQLiteConnection) -> Outcome {
        let firstEventID = nextEventID.load(ordering: .relaxed)
        var rejected: [Int: any Error] = [:]
        var eventID = firstEventID
        var finishes: [Finish] = []
        var published: [Event] = []
        var commitError: (any Error)?
        attempts: while true {
            eventID = firstEventID
            finishes.removeAll(keepingCapacity: true)
            published.removeAll(keepingCapacity: true)
            // The last write of each keyed set of rows in this attempt (rejected writes do not count).
            var lastWriteOfRows: [String: Int] = [:]
            for (index, item) in batch.enumerated() where rejected[index] == nil {
                if let key = item.rowKey { lastWriteOfRows[key] = index }
            }
            do {
                try connection.run("BEGIN IMMEDIATE")
                for (index, item) in batch.enumerated() where rejected[index] == nil {
                    let transaction = WriteTransaction(connection: connection, events: events)
                    if item.supersedable, let key = item.rowKey, lastWriteOfRows[key] != index {
                        transaction.rowsSuperseded = true
                    }
                    do {
                        finishes.append(try item.perform(transaction))
                    } catch {
                        rejected[index] = error
                        if connection.isInTransaction { try connection.run("ROLLBACK") }
                        continue attempts
                    }
                    let now = Timestamp.now()
                    for draft in transaction.drafts {
                        // A live-only event nobody listens to is not built at all.
                        guard draft.stored || events?.hasSubscribers(for: draft.type) == true else { continue }
                        let event = Event(id: eventID, timestamp: now, draft: draft)
                        eventID += 1
                        if draft.stored {
                            try connection.insertEvent(
                                id: event.id, type: draft.type.rawValue, project: draft.project,
                                timestamp: now.nanoseconds, body: event.body)
                        }
                        published.append(event)
                    }
                }
                try connection.run("COMMIT")
            } catch {
                commitError = error
                if connection.isInTransaction { _ = try? connection.run("ROLLBACK") }
                eventID = firstEventID
                published = []
                logger.error("operation store commit failed", ["error": "\(error)", "writes": String(batch.count)])
            }
            break
        }
        nextEventID.store(eventID, ordering: .relaxed)
        let rejections = rejected.sorted { $0.key < $1.key }.map { (reject: batch[$0.key].reject, error: $0.value) }
        return Outcome(events: published, finishes: finishes, rejections: rejections, error: commitError)
    }

    /// Publishes committed events and resumes callers, one commit after another.
    private func publish() {
        while true {
            let (taken, stopped) = outcomes.withLock { state -> ([Outcome], Bool) in
                defer { state.pending.removeAll(keepingCapacity: true) }
                return (state.pending, state.stopped)
            }
            if taken.isEmpty {
                if stopped { break }
                outcomeReady.wait()
                continue
            }
            for outcome in taken {
                for rejection in outcome.rejections { rejection.reject(rejection.error) }
                if !outcome.events.isEmpty { events?.publish(outcome.events) }
                for finish in outcome.finishes { finish(outcome.error) }
            }
        }
        publisherFinished.signal()
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
