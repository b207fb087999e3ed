import Dispatch

/// Runs blocking work (file I/O, waiting for a child process) on a Dispatch queue instead of Swift's
/// cooperative pool, which has one thread per core and must never block.
enum OffPool {
    private static let queue = DispatchQueue(label: "berth.images.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
