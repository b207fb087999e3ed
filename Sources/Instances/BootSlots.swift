/// At most `capacity` virtual machines booting at once (`instances.vm.max_booting`). Under TCG a
/// boot takes a core for seconds; two at once on two cores would each take twice as long and
/// could both miss their deadline. A start beyond the limit waits here, its operation Running,
/// rather than failing; waiters are served in the order they came.
actor BootSlots {
    private var capacity: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Whether a boot would have to wait now.
    var isFull: Bool { inUse >= capacity }

    /// Runs `body` holding a slot.
    func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    /// Takes effect for the next boots; boots running keep their slots.
    func setCapacity(_ count: Int) {
        capacity = max(1, count)
        wakeWaiters()
    }

    private func acquire() async {
        if inUse < capacity, waiters.isEmpty {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        inUse -= 1
        wakeWaiters()
    }

    private func wakeWaiters() {
        while inUse < capacity, !waiters.isEmpty {
            inUse += 1
            waiters.removeFirst().resume()
        }
    }
}
