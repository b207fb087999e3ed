/// The waiting jobs of one queue key, oldest first. Popping moves a head index instead of shifting
/// the array, so a long backlog costs O(1) per job.
struct KeyQueue {
    private var ids: [String] = []
    private var head = 0

    var isEmpty: Bool { head == ids.count }
    var count: Int { ids.count - head }
    var first: String? { head < ids.count ? ids[head] : nil }

    mutating func append(_ id: String) { ids.append(id) }

    mutating func popFirst() -> String? {
        guard head < ids.count else { return nil }
        let id = ids[head]
        head += 1
        if head > 64 && head * 2 > ids.count {
            ids.removeFirst(head)
            head = 0
        }
        return id
    }

    /// Inserts `id` before the first element for which `isLater` is true (recovery keeps seq order).
    mutating func insert(_ id: String, beforeFirst isLater: (String) -> Bool) {
        if let index = ids[head...].firstIndex(where: isLater) {
            ids.insert(id, at: index)
        } else {
            ids.append(id)
        }
    }

    /// Removes `id`; true when it was waiting here.
    mutating func remove(_ id: String) -> Bool {
        guard let index = ids[head...].firstIndex(of: id) else { return false }
        ids.remove(at: index)
        return true
    }
}
