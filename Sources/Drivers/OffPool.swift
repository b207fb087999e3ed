import Dispatch

/// Runs blocking file-system work (copying ownership, removing cgroups, reading /proc, writing
/// image uploads) on a Dispatch queue instead of Swift's cooperative pool, which has one thread per
/// core.
public enum OffPool {
    private static let queue = DispatchQueue(label: "berth.drivers.blocking", attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
