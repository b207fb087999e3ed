import Foundation

extension RootfsBases {
    /// Removes what no container needs: bases that no container directory links to and whose
    /// image is gone, temporaries
    /// whose builder is gone and trash that nobody is removing, all left by crashes or by the
    /// delete that calls this. Failures are logged, not thrown: the next collection tries again.
    func collectGarbage(log: @escaping DriverLog) async {
        let doomed: [(path: String, lock: FileLock)]
        do {
            doomed = try await OffPool.run { try collect() }
        } catch {
            log("collecting unused bases: \(error)")
            return
        }
        for (path, lock) in doomed {
            do {
                try await remove(path, log: log)
            } catch {
                log("removing \(path): \(error)")
            }
            lock.release()
        }
    }

    /// Under the lock of `.bases`, moves what is unused into the trash and locks each trash entry
    /// nobody holds; they are removed after the lock is released. Blocking.
    private func collect() throws -> [(path: String, lock: FileLock)] {
        guard FileStatus.isDirectory(directory) || FileStatus.isDirectory(trash) else { return [] }
        return try withLock {
            var doomed: [(path: String, lock: FileLock)] = []
            // Containers are dot-free names; `.bases` and `.trash` hold no links that count. A
            // listing that fails stops the collection rather than finding no container.
            let containers = try FileManager.default.contentsOfDirectory(atPath: lxcPath)
            let used = Set(
                try containers.filter { !$0.hasPrefix(".") }.compactMap { try Self.linkedKey(of: "\(lxcPath)/\($0)") })
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries {
                let path = "\(directory)/\(entry)"
                if entry.hasPrefix(".image-") {
                    // The marker of a base that is gone.
                    if !entries.contains(String(entry.dropFirst(".image-".count))) { unlink(path) }
                    continue
                }
                let isBase = !entry.hasPrefix(".")
                guard isBase ? !used.contains(entry) && !imageExists(of: entry) : entry.hasPrefix(".tmp-") else {
                    continue
                }
                // A temporary that is locked is being built.
                guard let lock = try FileLock.attempt(path) else { continue }
                doomed.append((try moveToTrash(path), lock))
                if isBase { unlink(imageMarker(entry)) }
            }
            let moved = Set(doomed.map(\.path))
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: trash)) ?? [] {
                let path = "\(trash)/\(entry)"
                guard !moved.contains(path), let lock = try FileLock.attempt(path) else { continue }
                doomed.append((path, lock))
            }
            return doomed
        }
    }
}
