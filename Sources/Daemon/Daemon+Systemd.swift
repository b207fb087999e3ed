import Log
import Server

#if canImport(Glibc)
    import Glibc
#endif

extension Daemon {
    /// The sockets systemd passed (berthd.socket): served as they are, so the daemon binds no unix
    /// socket of its own when one was passed, and passed TCP sockets count as fixed HTTPS addresses
    /// like `--listen` ones. `unixPath` is the path of a passed unix socket. Read first thing, before
    /// any host command is spawned.
    func takeInheritedSockets() throws -> (sockets: [InheritedSocket], unixPath: String?, https: [ListenAddress]) {
        let sockets: [InheritedSocket]
        do {
            sockets = try SocketActivation.takeFromProcess()?.sockets ?? []
        } catch {
            throw DaemonError("\(error)")
        }
        var unixPath: String?
        var https: [ListenAddress] = []
        for socket in sockets {
            do {
                switch try socket.kind() {
                case .unix(let path): unixPath = path
                case .tls(let host, let port): https.append(.tls(host: host, port: port))
                }
            } catch {
                throw DaemonError("\(error)")
            }
        }
        if !sockets.isEmpty {
            logger.info(
                "serving sockets passed by the service manager",
                [
                    "fds": sockets.map { String($0.fd) }.joined(separator: ","),
                    "names": sockets.map(\.name).joined(separator: ","),
                ])
        }
        return (sockets, unixPath, https)
    }

    /// Starts the `WatchdogSec=` pings once the daemon serves; they stop when an event loop stops
    /// answering. Nil without a watchdog or a notify socket.
    func startWatchdog(
        _ setting: SystemdWatchdog.Setting, notifier: SystemdNotifier?, server: HTTPServer
    ) -> SystemdWatchdog? {
        switch setting {
        case .disabled:
            return nil
        case .invalid(let reason):
            logger.warn("watchdog disabled", ["reason": reason])
            return nil
        case .enabled(let timeout):
            guard let notifier else {
                logger.warn("watchdog disabled", ["reason": "WATCHDOG_USEC is set but NOTIFY_SOCKET is not"])
                return nil
            }
            let watchdog = SystemdWatchdog(notifier: notifier, timeout: timeout) { server.loopsAreResponsive() }
            watchdog.start()
            logger.info("watchdog enabled", ["interval": "\(watchdog.interval)"])
            return watchdog
        }
    }
}
