import Store

extension OperationManager.State {
    /// Adds a waiting job. Recovery passes `seq` so a job re-queued later still runs before younger
    /// jobs of its key. Mutates the key's queue in place (no copy of the backlog).
    mutating func enqueue(_ id: String, key: String, seq: Int64? = nil) {
        let wasEmpty = queues[key]?.isEmpty ?? true
        if let seq {
            let live = self.live
            queues[key, default: KeyQueue()].insert(id) { (live[$0]?.job.seq ?? .max) > seq }
        } else {
            queues[key, default: KeyQueue()].append(id)
        }
        if wasEmpty && !busyKeys.contains(key) { markReady(key) }
    }

    /// Puts `key`, which has waiting jobs and nothing running, in the lane its next job runs in.
    mutating func markReady(_ key: String) {
        let next = queues[key]?.first.flatMap { live[$0] }
        if next?.definition.occupiesWorker == false {
            readyUnboundedKeys.append(key)
        } else {
            readyKeys.append(key)
        }
    }

    /// The next job of `key`, if any.
    mutating func popFirst(key: String) -> String? {
        let id = queues[key]?.popFirst()
        if queues[key]?.isEmpty == true { queues[key] = nil }
        return id
    }

    /// Removes a waiting job (a cancel while queued).
    mutating func dequeue(_ id: String, key: String) {
        guard queues[key]?.remove(id) == true else { return }
        if queues[key]?.isEmpty == true {
            queues[key] = nil
            readyKeys.removeAll { $0 == key }
            readyUnboundedKeys.removeAll { $0 == key }
        }
    }
}
