import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive flock(2) on a file or directory, held until `release` (or until the object is
/// gone). The kernel drops it when the process dies, so a crash never leaves a lock behind, and
/// it belongs to the inode, so it moves with a directory that is renamed while it is held.
final class FileLock: Sendable {
    private let descriptor: Mutex<Int32>

    private init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Waits until the lock on `path` is held. Blocking.
    static func acquire(_ path: String) throws -> FileLock {
        guard let lock = try lock(path, wait: true) else {
            throw InstanceDriverError.fileSystem(operation: "flock", path: path, errno: EWOULDBLOCK)
        }
        return lock
    }

    /// The lock on `path` if nobody holds it, nil if somebody does or `path` is gone.
    static func attempt(_ path: String) throws -> FileLock? {
        try lock(path, wait: false)
    }

    func release() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }

    private static func lock(_ path: String, wait: Bool) throws -> FileLock? {
        // O_RDONLY opens directories too; O_NOFOLLOW keeps a symlink from lending its target's lock.
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if !wait && errno == ENOENT { return nil }
            throw InstanceDriverError.fileSystem(operation: "open", path: path, errno: errno)
        }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw InstanceDriverError.fileSystem(operation: "flock", path: path, errno: code)
        }
        return FileLock(descriptor: descriptor)
    }
}
