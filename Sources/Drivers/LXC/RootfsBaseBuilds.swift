import Synchronization

/// The base builds under way in this process, by base path, so that concurrent creates from one
/// image wait for one build instead of each copying the image. (Two processes on one lxcpath may
/// still build the same base twice; the second to finish throws its copy away.)
final class RootfsBaseBuilds: Sendable {
    static let shared = RootfsBaseBuilds()

    private let builds = Mutex<[String: Task<Void, any Error>]>([:])

    /// Runs `build` for `base` unless a build of it is under way, then waits for that one; either
    /// way returns or throws what the build did.
    func run(_ base: String, _ build: @escaping @Sendable () async throws -> Void) async throws {
        let task = builds.withLock { table in
            if let running = table[base] { return running }
            // The lock is still held here, so the task cannot remove its entry before it is added.
            let task = Task { [self] in
                defer { _ = self.builds.withLock { $0.removeValue(forKey: base) } }
                try await build()
            }
            table[base] = task
            return task
        }
        try await task.value
    }
}
