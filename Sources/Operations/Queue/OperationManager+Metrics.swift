import Synchronization

/// Read-only views of the queue for `GET /1.0/metrics`. Each takes the state lock once.
extension OperationManager {
    /// The queue as one scrape sees it.
    public struct QueueGauges: Sendable, Equatable {
        /// Jobs waiting for their queue key or a worker.
        public var queued: Int
        /// Jobs running, worker-bound or not (websocket operations).
        public var running: Int
        /// Seconds since the oldest waiting job's operation was created; 0 when none waits.
        public var oldestQueuedAgeSeconds: Double
    }

    public func queueGauges(now: Timestamp = .now()) -> QueueGauges {
        state.withLock { state in
            var queued = 0
            var oldest: Int64?
            for queue in state.queues.values {
                queued += queue.count
                // Keys run in submission order, so a queue's head is its oldest job.
                if let head = queue.first, let created = state.live[head]?.operation.createdAt.nanoseconds {
                    oldest = min(oldest ?? created, created)
                }
            }
            let age = oldest.map { max(0, Double(now.nanoseconds - $0) / 1e9) } ?? 0
            return QueueGauges(
                queued: queued, running: state.running + state.runningUnbounded, oldestQueuedAgeSeconds: age)
        }
    }
}
