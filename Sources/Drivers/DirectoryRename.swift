#if canImport(Glibc)
    import Glibc
#endif

/// Moves one of a driver's own directories (an instance, a snapshot) to a new name that must be
/// free. Blocking.
enum DirectoryRename {
    /// Throws `alreadyExists(name)` when something is at `new` already (rename(2) would replace an
    /// empty directory there), `fileSystem` with the errno when the rename fails.
    static func rename(_ old: String, to new: String, name: String) throws(InstanceDriverError) {
        if FileStatus.exists(new) { throw .alreadyExists(name) }
        guard Glibc.rename(old, new) == 0 else { throw .fileSystem(operation: "rename", path: old, errno: errno) }
    }
}
