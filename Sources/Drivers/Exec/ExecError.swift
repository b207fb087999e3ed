#if canImport(Glibc)
    import Glibc
#endif

/// Why a command could not be started in an instance.
public enum ExecError: Error, Equatable, CustomStringConvertible {
    /// A system call on the way failed, with errno.
    case system(String, Int32)
    /// The helper program (`lxc-attach`, `lxc-console`) could not be spawned.
    case launchFailed(program: String, errno: Int32)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
        case .launchFailed(let program, let code): "Cannot run \(program): \(String(cString: strerror(code)))"
        }
    }
}
