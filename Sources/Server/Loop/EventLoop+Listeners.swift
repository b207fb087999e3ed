import CLinux

extension EventLoop {
    /// Starts polling a listener bound while the server runs. A draining loop accepts nothing new.
    func addListener(_ listener: Listener) {
        guard !draining, listeners[listener.token] == nil else { return }
        guard
            clinux_epoll_ctl(
                epollFD, clinux_epoll_ctl_add, listener.fd, clinux_epollin | clinux_epollexclusive, listener.token)
                == 0
        else { return }
        listeners[listener.token] = listener
    }

    /// Stops polling a listener; connections it accepted stay. The server closes its socket only once
    /// every loop has done this, so no loop ever polls a reused descriptor number.
    func removeListener(token: UInt64) {
        guard let listener = listeners.removeValue(forKey: token) else { return }
        _ = clinux_epoll_ctl(epollFD, clinux_epoll_ctl_del, listener.fd, 0, 0)
    }
}
