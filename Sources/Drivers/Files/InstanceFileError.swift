#if canImport(Glibc)
    import Glibc
#endif

/// Why a file inside an instance could not be read or written. The cases the API maps to LXD's
/// statuses carry LXD's texts (`lxd/response` `SmartError`: `not found`, `not authorized`).
public enum InstanceFileError: Error, Equatable, CustomStringConvertible {
    /// The path, or a directory on it, does not exist (ENOENT).
    case notFound
    /// EACCES or EPERM.
    case forbidden
    /// A new file, directory or symlink where something of that name exists.
    case exists(String)
    /// A path the request may not use: it crosses into another mount (/proc, /dev), loops through
    /// symlinks, names a special file, or has no last component to create.
    case invalidPath(path: String, reason: String)
    /// A system call failed otherwise.
    case system(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .notFound: "not found"
        case .forbidden: "not authorized"
        case .exists(let path): "\(path) already exists"
        case .invalidPath(let path, let reason): "Invalid path \(path): \(reason)"
        case .system(let operation, let path, let errno):
            "\(operation) \(path): \(String(cString: strerror(errno)))"
        }
    }

    /// The error for `errno` from `operation` on `path` inside an instance.
    static func from(errno code: Int32, operation: String, path: String) -> InstanceFileError {
        switch code {
        case ENOENT: .notFound
        case EACCES, EPERM: .forbidden
        case EEXIST: .exists(path)
        case EXDEV: .invalidPath(path: path, reason: "it crosses a mount point inside the instance")
        case ELOOP: .invalidPath(path: path, reason: "too many levels of symbolic links")
        case ENOTDIR: .invalidPath(path: path, reason: "a component is not a directory")
        case EISDIR: .invalidPath(path: path, reason: "it is a directory")
        case ENOTEMPTY: .invalidPath(path: path, reason: "the directory is not empty")
        case EBUSY: .invalidPath(path: path, reason: "it is a mount point")
        default: .system(operation: operation, path: path, errno: code)
        }
    }
}
