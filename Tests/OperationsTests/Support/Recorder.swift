import Synchronization

/// Records what test steps did, in order, across tasks.
final class Recorder: Sendable {
    private let entries = Mutex<[String]>([])
    private let concurrency = Mutex<(current: Int, peak: Int)>((0, 0))

    func record(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }

    func enter() {
        concurrency.withLock {
            $0.current += 1; $0.peak = max($0.peak, $0.current)
        }
    }
    func leave() { concurrency.withLock { $0.current -= 1 } }
    var peakConcurrency: Int { concurrency.withLock { $0.peak } }
}
