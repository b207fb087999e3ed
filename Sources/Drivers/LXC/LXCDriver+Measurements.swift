import Foundation

extension LXCDriver {
    public func measurements(name: String) async throws -> InstanceMeasurements {
        try Self.validate(name: name)
        let pid = try await state(name: name).pid
        return try await OffPool.run { [self] in
            let directory = containerDirectory(name)
            guard FileStatus.isDirectory(directory) else { throw InstanceDriverError.notFound(name) }
            var space = statvfs()
            let diskSpace = statvfs(directory, &space) == 0 ? UInt64(space.f_blocks) * UInt64(space.f_frsize) : 0
            let host = Self.hostMemory() ?? 0
            var memory = host
            if pid > 0, let cgroup = Self.cgroupPaths(pid: pid)?["memory"],
                let text = try? String(contentsOfFile: "\(cgroup)/memory.limit_in_bytes", encoding: .utf8),
                let limit = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
            {
                // "No limit" is a huge page-rounded number; the host's memory is the real bound.
                memory = host > 0 ? min(limit, host) : limit
            }
            return InstanceMeasurements(
                diskUsage: Self.allocatedBytes(ofTree: directory), diskSpace: diskSpace, memory: memory)
        }
    }

    /// Bytes allocated to the files below `root` (as `du -s` counts them: each hard-linked file
    /// once, symlinks not followed, other file systems not entered). Blocking.
    static func allocatedBytes(ofTree root: String) -> UInt64 {
        var info = stat()
        guard lstat(root, &info) == 0 else { return 0 }
        var seen = Set<HardLink>()
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return UInt64(info.st_blocks) * 512 }
        return UInt64(info.st_blocks) * 512 + allocatedBytes(inDirectory: fd, device: info.st_dev, seen: &seen)
    }

    /// By descriptor and raw name, so that no name needs to be valid UTF-8. Closes `fd`.
    private static func allocatedBytes(inDirectory fd: Int32, device: dev_t, seen: inout Set<HardLink>) -> UInt64 {
        guard let stream = fdopendir(fd) else {
            close(fd)
            return 0
        }
        defer { closedir(stream) }
        var total: UInt64 = 0
        while let entry = readdir(stream) {
            var name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [46] || name == [46, 46] { continue }  // "." and ".."
            name.append(0)
            var info = stat()
            let found = name.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { fstatat(fd, $0.baseAddress!, &info, AT_SYMLINK_NOFOLLOW) }
            }
            guard found == 0, info.st_dev == device else { continue }
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            if !isDirectory && info.st_nlink > 1 {
                guard seen.insert(HardLink(device: info.st_dev, inode: info.st_ino)).inserted else { continue }
            }
            total += UInt64(info.st_blocks) * 512
            guard isDirectory else { continue }
            let child = name.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) {
                    openat(fd, $0.baseAddress!, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
            }
            if child >= 0 { total += allocatedBytes(inDirectory: child, device: device, seen: &seen) }
        }
        return total
    }
}
