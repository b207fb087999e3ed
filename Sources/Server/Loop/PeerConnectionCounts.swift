import Synchronization

/// Open connections per TCP peer address, shared by every loop of a server, so that one address
/// cannot take all of `maxConnections` from the others (`maxConnectionsPerPeer`).
final class PeerConnectionCounts: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Counts one more connection from `address`, unless it already holds `limit`: then false,
    /// and nothing is counted.
    func admit(_ address: String, limit: Int) -> Bool {
        counts.withLock { counts in
            let held = counts[address, default: 0]
            guard held < limit else { return false }
            counts[address] = held + 1
            return true
        }
    }

    /// One connection `admit` counted has closed.
    func release(_ address: String) {
        counts.withLock { counts in
            let held = counts[address, default: 0]
            // Removed at zero: a long-running daemon sees many addresses once.
            counts[address] = held > 1 ? held - 1 : nil
        }
    }

    /// Connections `address` holds now.
    func count(_ address: String) -> Int { counts.withLock { $0[address, default: 0] } }
}
