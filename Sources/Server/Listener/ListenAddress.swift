#if canImport(Glibc)
    import Glibc
#endif

/// Where an `HTTPServer` accepts connections.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A unix socket file; a stale file at `path` is replaced. Callers are local and identified by
    /// SO_PEERCRED.
    case unix(path: String, mode: UInt32 = 0o660)
    /// A TCP address; `host` is an IPv4 or IPv6 literal, port 0 picks a free port.
    case tcp(host: String, port: UInt16)

    public var description: String {
        switch self {
        case .unix(let path, _): "unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// Parses `HOST:PORT` or `[V6]:PORT` as given to `--listen`.
    public static func parseTCP(_ text: String) -> ListenAddress? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = UInt16(portText) else { return nil }
        let hostString = String(host)
        guard TCPAddress(host: hostString, port: port) != nil else { return nil }
        return .tcp(host: hostString, port: port)
    }
}
