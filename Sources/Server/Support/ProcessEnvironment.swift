#if canImport(Glibc)
    import Glibc
#endif

/// The service manager's variables of this process (NOTIFY_SOCKET, LISTEN_*, WATCHDOG_*), each
/// meant for berthd alone.
enum ProcessEnvironment {
    /// The values of those of `names` that are set; every one of them is unset, set or not, so that
    /// no child process believes they are meant for it (sd_notify(3)'s `unset_environment`).
    static func take(_ names: [String]) -> [String: String] {
        var taken: [String: String] = [:]
        for name in names {
            if let value = getenv(name) { taken[name] = String(cString: value) }
            unsetenv(name)
        }
        return taken
    }
}
