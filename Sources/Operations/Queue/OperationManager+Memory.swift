import Store
import Synchronization

extension OperationManager {
    /// Operations submitted since the store was created: a cheap sign of activity for callers that
    /// poll (a changed value means something happened in between).
    public var submittedCount: Int64 { nextSeq.load(ordering: .relaxed) }

    /// Releases the unused page cache of the queue's reader and writer connections.
    public func releaseMemory() {
        reader.releaseMemory()
        writer.send { $0.connection.releaseMemory() }
    }
}
