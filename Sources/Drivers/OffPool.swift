import Dispatch

/// Runs blocking file-system work (copying ownership, removing cgroups, reading /proc) on a
/// Dispatch queue instead of Swift's cooperative pool, which has one thread per core.
enum OffPool {
    private static let queue = DispatchQueue(label: "berth.drivers.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
