import Foundation

extension LXCDriver {
    /// Gives the running container's cgroups `limits` at once and returns the writes that undo
    /// it. A write the kernel refuses (a memory limit below what the container uses: EBUSY)
    /// undoes the ones made and throws. Nothing happens if the container has just stopped.
    func applyLimits(
        _ limits: ResourceLimits, toContainer name: String, pid: Int32, log: @escaping DriverLog
    ) async throws -> [CgroupWrite] {
        let payload = cgroupNames(name).payload
        return try await OffPool.run {
            guard let paths = Self.cgroupPaths(pid: pid) else { return [] }
            var writes: [CgroupWrite] = []
            for (file, value) in limits.live {
                guard let initDirectory = paths[String(file.prefix { $0 != "." })] else { continue }
                // The limits belong on the payload cgroup, above any the container's init made.
                let directory = Self.ancestor(initDirectory, named: payload)
                let parent = String(directory[..<(directory.lastIndex(of: "/") ?? directory.endIndex)])
                guard let wanted = value ?? Self.readCgroupFile("\(parent)/\(file)") else { continue }
                writes.append(CgroupWrite(path: "\(directory)/\(file)", value: wanted))
            }
            return try Self.setCgroupFiles(writes, log: log)
        }
    }

    /// Writes each value that differs from the file's, and returns the writes that put the old
    /// values back, last first; on a failure puts back those made and throws. Blocking.
    @discardableResult
    static func setCgroupFiles(_ writes: [CgroupWrite], log: @escaping DriverLog) throws -> [CgroupWrite] {
        var undo: [CgroupWrite] = []
        for change in writes {
            let old = readCgroupFile(change.path)
            if old == change.value { continue }
            do {
                try writeCgroupFile(change)
            } catch {
                for write in undo { try? writeCgroupFile(write) }
                throw error
            }
            log("set \(change.path) to \(change.value)")
            if let old { undo.insert(CgroupWrite(path: change.path, value: old), at: 0) }
        }
        return undo
    }

    /// `path` cut after its component `name`, or `path` if it has none.
    private static func ancestor(_ path: String, named name: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let index = components.firstIndex(where: { $0 == name }) else { return path }
        return components[...index].joined(separator: "/")
    }

    private static func readCgroupFile(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func writeCgroupFile(_ change: CgroupWrite) throws {
        let descriptor = open(change.path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InstanceDriverError.fileSystem(operation: "open", path: change.path, errno: errno)
        }
        defer { close(descriptor) }
        let bytes = Array(change.value.utf8)
        // A cgroup file takes its value in one write(2); a short write would be a different value.
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw InstanceDriverError.fileSystem(
                operation: "write \(change.value) to", path: change.path, errno: written < 0 ? errno : EIO)
        }
    }
}
