#if canImport(Glibc)
    import Glibc
#endif

/// Why a driver refused or failed, apart from a failing host command (`HostCommandError`). The
/// lifecycle cases carry LXD's own messages so the API can pass them on unchanged.
public enum InstanceDriverError: Error, Equatable, CustomStringConvertible {
    /// No instance of that name exists in the driver's storage.
    case notFound(String)
    /// `create` or `rename` onto a name that is taken.
    case alreadyExists(String)
    /// The name cannot be a directory, cgroup or config value (empty, `/`, leading dot, spaces).
    case invalidName(String)
    /// `start` of an instance that runs (or is frozen).
    case alreadyRunning
    /// `stop` or `restart` of an instance that is stopped.
    case alreadyStopped
    /// `freeze` or `unfreeze` of a stopped instance.
    case notRunning
    case alreadyFrozen
    /// `unfreeze` of an instance that runs and is not frozen.
    case notFrozen
    /// `delete` or `rename` of an instance that is not stopped.
    case instanceRunning
    /// A config key the driver maps has a value it cannot use.
    case invalidConfig(key: String, value: String, reason: String)
    /// An unprivileged instance was asked for, but there is no id map to give it.
    case noIDMap
    /// /etc/subuid or /etc/subgid has no range of 65536 ids for the user.
    case noSubordinateIDs(file: String, user: String)
    /// A directory above the lxcpath does not let the mapped root (a host uid) through, so an
    /// unprivileged container could not reach its rootfs.
    case notTraversable(path: String, uid: UInt32)
    /// The image's root filesystem to copy is not a directory.
    case rootfsMissing(String)
    /// A file-system call failed, with errno.
    case fileSystem(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .notFound: "Instance not found"
        case .alreadyExists(let name): "Instance \"\(name)\" already exists"
        case .invalidName(let name): "Invalid instance name \"\(name)\""
        case .alreadyRunning: "The instance is already running"
        case .alreadyStopped: "The instance is already stopped"
        case .notRunning: "The instance isn't running"
        case .alreadyFrozen: "The instance is already frozen"
        case .notFrozen: "The instance is not frozen"
        case .instanceRunning: "Instance is running"
        case .invalidConfig(let key, let value, let reason): "Invalid value \"\(value)\" for \"\(key)\": \(reason)"
        case .noIDMap: "Unprivileged instances need subordinate ids for root (/etc/subuid, /etc/subgid)"
        case .noSubordinateIDs(let file, let user): "\(file) has no range of 65536 ids for \(user)"
        case .notTraversable(let path, let uid):
            "\(path) does not let unprivileged containers (host uid \(uid)) through; it needs o+x"
        case .rootfsMissing(let path): "The image's root filesystem \(path) is missing"
        case .fileSystem(let operation, let path, let errno):
            "\(operation) \(path): \(String(cString: strerror(errno)))"
        }
    }
}
