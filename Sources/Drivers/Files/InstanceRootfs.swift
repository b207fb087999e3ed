import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// An instance's root filesystem opened for file access: a descriptor of its root directory and
/// the instance's id map. Every path is resolved by the kernel with `openat2` inside that root
/// (`RESOLVE_IN_ROOT`: `..` and absolute symlinks stop at it, as in a chroot; and
/// `RESOLVE_NO_XDEV`: no mount inside is entered, so /proc, /sys, /dev and whatever the instance
/// mounts itself stay out of reach of berthd's host privileges). A resolution the kernel finds
/// raced by a rename is retried. The last component is then used relative to a descriptor of its
/// directory, never as a path again.
///
/// All methods block: callers run them off Swift's cooperative pool (`OffPool`). The root (and,
/// for a stopped overlay instance, the detached mount it belongs to) is released with the object.
public final class InstanceRootfs: Sendable {
    let root: Int32
    /// The instance's map; nil for a privileged instance, whose ids are the host's.
    public let idmap: IDMap?

    /// Takes ownership of `root`, an `O_PATH` descriptor of a directory.
    init(root: Int32, idmap: IDMap?) {
        self.root = root
        self.idmap = idmap
    }

    deinit { close(root) }

    /// Opens `path` (relative to the root) with `flags`, resolved inside the root.
    func open(_ path: String, flags: Int32, mode: UInt32 = 0, from directory: Int32? = nil) throws(InstanceFileError)
        -> Int32
    {
        var attempts = 0
        while true {
            let fd = clinux_openat2(directory ?? root, path, flags | clinux_o_cloexec, mode, clinux_resolve_contained)
            if fd >= 0 { return fd }
            // EAGAIN: a concurrent rename might have moved `..`; the kernel asks for a retry.
            attempts += 1
            if -fd == EAGAIN && attempts < 16 { continue }
            throw InstanceFileError.from(errno: -fd, operation: "open", path: path)
        }
    }

    /// The directory that holds the path's last component, and that component. Throws
    /// `invalidPath` for the root or a path ending in `..`.
    func openParent(_ path: ContainedPath, display: String) throws(InstanceFileError) -> (Int32, String) {
        guard let leaf = path.leaf else {
            throw .invalidPath(path: display, reason: "it does not name an entry in a directory")
        }
        return (try open(path.parent, flags: clinux_o_path | clinux_o_directory), leaf)
    }

    /// LXD's `Lstat`: what `path` is, a symlink as itself.
    public func info(_ path: String) throws(InstanceFileError) -> InstanceFileInfo {
        let fd = try open(ContainedPath(path).relative, flags: clinux_o_path | clinux_o_nofollow)
        defer { close(fd) }
        return try info(of: fd, path: path)
    }

    func info(of fd: Int32, path: String) throws(InstanceFileError) -> InstanceFileInfo {
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .from(errno: errno, operation: "stat", path: path) }
        let kind: InstanceFileInfo.Kind =
            switch status.st_mode & S_IFMT {
            case S_IFREG: .file
            case S_IFDIR: .directory
            case S_IFLNK: .symlink
            default: .special
            }
        return InstanceFileInfo(
            kind: kind, uid: idmap?.containerUID(status.st_uid) ?? status.st_uid,
            gid: idmap?.containerGID(status.st_gid) ?? status.st_gid, mode: status.st_mode & 0o7777,
            size: Int64(status.st_size))
    }

    /// Runs `body`, which creates entries, with this thread's filesystem ids set to the
    /// instance's root: a running unprivileged container's root filesystem is mounted in its user
    /// namespace and takes no inode owned by an id it does not map, such as host root. The owner
    /// asked for is given afterwards, with `fchown`, as host root.
    func creating<T>(_ path: String, _ body: () throws(InstanceFileError) -> T) throws(InstanceFileError) -> T {
        guard let idmap else { return try body() }
        let code = clinux_set_fs_ids(idmap.hostUID, idmap.hostGID)
        defer { _ = clinux_set_fs_ids(0, 0) }
        guard code == 0 else { throw .system(operation: "setfsuid", path: path, errno: -code) }
        return try body()
    }

    /// The host ids for an owner given in the instance's ids; root when not given.
    func hostOwner(_ attributes: InstanceFileAttributes) -> (uid: uid_t, gid: gid_t) {
        let uid = attributes.uid ?? 0
        let gid = attributes.gid ?? 0
        guard let idmap else { return (uid, gid) }
        return (idmap.hostUID(uid), idmap.hostGID(gid))
    }
}
