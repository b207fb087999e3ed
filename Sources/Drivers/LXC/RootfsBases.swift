import Foundation

/// The lower layers of overlay containers: one copy of an image's rootfs per id map, shifted
/// once, in `<lxcpath>/.bases/<key>`, shared by every container made from that image with that
/// map. A container uses a base through the symlink `<container>/base`.
///
/// Why a crash at any point breaks nothing:
/// - A base has its name only once it is complete: it is built in `.bases/.tmp-<uuid>` and
///   renamed into place.
/// - A temporary is locked (flock) by its builder from the moment it exists, so one that nobody
///   holds was left by a crash and is removed.
/// - Links are made, and unlinked bases removed, only under the lock of `.bases` itself, so
///   a base is never removed between a create seeing it and linking to it.
/// - What is removed is first renamed into `<lxcpath>/.trash/` while locked by its remover, so it
///   disappears at once; a trash entry that nobody holds is a crash's, and is removed.
///
/// A base outlives its last container while its image does (`.bases/.image-<key>` names the
/// image rootfs it was made from): the next container of that image is then made without copying
/// anything. Once the image is gone, the next collection removes it.
struct RootfsBases: Sendable {
    let lxcPath: String

    var directory: String { "\(lxcPath)/.bases" }
    var trash: String { "\(lxcPath)/.trash" }

    /// The base of the image rootfs at `rootfs` for `idmap` (nil: privileged). The image part
    /// hashes the rootfs's path and identity, so an image deleted and unpacked again at the same
    /// path gets a base of its own while containers of the old one keep theirs.
    static func key(ofImage rootfs: String, idmap: IDMap?) throws -> String {
        var info = stat()
        guard stat(rootfs, &info) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "stat", path: rootfs, errno: errno)
        }
        let identity = "\(rootfs)\0\(info.st_dev)\0\(info.st_ino)\0\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-" + tag(idmap)
    }

    /// The file naming the image rootfs base `key` was made from.
    func imageMarker(_ key: String) -> String { "\(directory)/.image-\(key)" }

    /// Whether base `key` was made from an image rootfs that still exists as it was. Blocking.
    func imageExists(of key: String) -> Bool {
        guard let path = try? String(contentsOfFile: imageMarker(key), encoding: .utf8), !path.isEmpty,
            let current = try? Self.key(ofImage: path, idmap: nil)
        else { return false }
        return current.prefix { $0 != "-" } == key.prefix { $0 != "-" }
    }

    /// The image rootfs base `key` was made from, if it is known. Blocking.
    func image(of key: String) -> String? { try? String(contentsOfFile: imageMarker(key), encoding: .utf8) }

    /// The key of the base of the same image as `key` for another id map.
    static func key(_ key: String, for idmap: IDMap?) -> String {
        String(key.prefix { $0 != "-" }) + "-" + tag(idmap)
    }

    private static func tag(_ idmap: IDMap?) -> String {
        guard let idmap else { return "privileged" }
        return "u\(idmap.hostUID)g\(idmap.hostGID)n\(idmap.count)"
    }

    /// The key of the base `container` links to, nil if it links to none. Any other failure to
    /// read the link throws: a collection that took it for "none" could remove a base in use.
    /// Blocking.
    static func linkedKey(of container: String) throws -> String? {
        let path = "\(container)/base"
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else {
            // No link, not a symlink, or not a directory at all (a stray file in the lxcpath).
            if errno == ENOENT || errno == EINVAL || errno == ENOTDIR { return nil }
            throw InstanceDriverError.fileSystem(operation: "readlink", path: path, errno: errno)
        }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return target.split(separator: "/").last.map(String.init)
    }

    /// Links `container` (a directory) to base `key`, first running `build` to fill an empty
    /// directory with the base unless the base exists. Concurrent calls for one base in this
    /// process build it once.
    /// `image` is the image rootfs the base is made from (nil if unknown): the base is kept while
    /// it exists.
    func link(
        _ container: String, to key: String, image: String?, log: @escaping DriverLog,
        build: @escaping @Sendable (_ directory: String) async throws -> Void
    ) async throws {
        let base = "\(directory)/\(key)"
        // A collection can remove a base between its build and the link; then it is built again.
        for _ in 0..<3 {
            let linked = try await OffPool.run {
                try withLock {
                    guard FileStatus.isDirectory(base) else { return false }
                    guard symlink("../.bases/\(key)", "\(container)/base") == 0 else {
                        throw InstanceDriverError.fileSystem(
                            operation: "symlink", path: "\(container)/base", errno: errno)
                    }
                    return true
                }
            }
            if linked {
                log("linked \(container)/base to \(base)")
                return
            }
            try await RootfsBaseBuilds.shared.run(base) { try await make(key, image: image, log: log, build: build) }
        }
        throw InstanceDriverError.fileSystem(operation: "link", path: base, errno: ENOENT)
    }

    /// Runs `body` holding the lock of `.bases`, which it makes if need be. Blocking.
    func withLock<T>(_ body: () throws -> T) throws -> T {
        try LXCDriver.makeDirectory(directory, intermediate: true)
        let lock = try FileLock.acquire(directory)
        defer { lock.release() }
        return try body()
    }

    /// Builds base `key` in a locked temporary and renames it into place.
    private func make(
        _ key: String, image: String?, log: @escaping DriverLog,
        build: @Sendable (_ directory: String) async throws -> Void
    ) async throws {
        let base = "\(directory)/\(key)"
        let (temporary, lock) = try await OffPool.run {
            try withLock {
                let path = "\(directory)/.tmp-\(UUID().uuidString.lowercased())"
                guard mkdir(path, 0o755) == 0 else {
                    throw InstanceDriverError.fileSystem(operation: "mkdir", path: path, errno: errno)
                }
                return (path, try FileLock.acquire(path))
            }
        }
        do {
            try await build(temporary)
            let renamed = try await OffPool.run {
                try withLock {
                    // Another process on this lxcpath built it meanwhile.
                    if FileStatus.exists(base) { return false }
                    guard rename(temporary, base) == 0 else {
                        throw InstanceDriverError.fileSystem(operation: "rename", path: temporary, errno: errno)
                    }
                    // Without the marker (a crash here) the base only lives as long as its containers.
                    if let image { try? LXCDriver.writeAtomically(image, to: imageMarker(key)) }
                    return true
                }
            }
            if renamed {
                log("made base \(base)")
            } else {
                try await discard(temporary, lock: lock, log: log)
            }
            lock.release()
        } catch {
            try? await discard(temporary, lock: lock, log: log)
            lock.release()
            throw error
        }
    }

    /// Removes the tree at `path` (a container directory or a temporary), locked with `lock` or
    /// a new lock: renamed into the trash first, so that a crash half-way leaves no half-removed
    /// tree under its old name. (If the trash cannot be made, on a full disk, it is removed where
    /// it is.) Nothing to do if absent.
    func discard(_ path: String, lock: FileLock? = nil, log: @escaping DriverLog) async throws {
        let moved = try await OffPool.run { () -> (String, FileLock)? in
            guard FileStatus.exists(path) else { return nil }
            let held = try lock ?? FileLock.acquire(path)
            return ((try? moveToTrash(path)) ?? path, held)
        }
        guard let (target, held) = moved else { return }
        defer { if lock == nil { held.release() } }
        try await remove(target, log: log)
    }

    /// Renames `path` to a new name in the trash and returns that name. Blocking.
    func moveToTrash(_ path: String) throws -> String {
        try LXCDriver.makeDirectory(trash, intermediate: false)
        let target = "\(trash)/\(UUID().uuidString.lowercased())"
        guard rename(path, target) == 0 else {
            throw InstanceDriverError.fileSystem(operation: "rename", path: path, errno: errno)
        }
        return target
    }

    /// Removes a tree with `rm`, which knows every file type and does not cross into another file
    /// system (a mount left inside is not followed).
    func remove(_ path: String, log: @escaping DriverLog) async throws {
        try await HostCommand(
            "/bin/rm", ["-rf", "--one-file-system", "--", path], timeout: .seconds(600), diesWithBerthd: true
        ).run(log: log)
    }
}
