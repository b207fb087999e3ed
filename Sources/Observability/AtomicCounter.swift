import Synchronization

/// A counter that any thread bumps without a lock (one relaxed atomic add): what the request path
/// can afford on every request.
public final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public func add(_ amount: Int = 1) { value.add(amount, ordering: .relaxed) }

    public func load() -> Int { value.load(ordering: .relaxed) }
}
