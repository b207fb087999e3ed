#if canImport(Glibc)
    import Glibc
#endif

/// Where an `HTTPServer` accepts connections.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A unix socket file; a stale file at `path` is replaced. Callers are local and identified by
    /// SO_PEERCRED.
    case unix(path: String, mode: UInt32 = 0o660)
    /// A plain-HTTP TCP address; `host` is an IPv4 or IPv6 literal, port 0 picks a free port.
    case tcp(host: String, port: UInt16)
    /// An HTTPS address (LXD's `core.https_address`), served with `ServerConfiguration.tls`.
    case tls(host: String, port: UInt16)

    /// LXD's default HTTPS port, used when `core.https_address` names only a host.
    public static let defaultHTTPSPort: UInt16 = 8443

    public var description: String {
        switch self {
        case .unix(let path, _): "unix:\(path)"
        case .tcp(let host, let port), .tls(let host, let port):
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// Parses `HOST:PORT` or `[V6]:PORT` as given to `--listen`.
    public static func parseTCP(_ text: String) -> ListenAddress? {
        guard let (host, port) = hostAndPort(text, defaultPort: nil) else { return nil }
        return .tcp(host: host, port: port)
    }

    /// Parses an HTTPS address as LXD accepts it for `core.https_address` and `--listen`: `HOST:PORT`,
    /// `[V6]:PORT`, a bare IPv4 or IPv6 literal (port 8443), or `:PORT` (every address).
    public static func parseTLS(_ text: String) -> ListenAddress? {
        guard let (host, port) = hostAndPort(text, defaultPort: defaultHTTPSPort) else { return nil }
        return .tls(host: host, port: port)
    }

    private static func hostAndPort(_ text: String, defaultPort: UInt16?) -> (String, UInt16)? {
        if let defaultPort, TCPAddress(host: text, port: defaultPort) != nil { return (text, defaultPort) }
        var host: Substring
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.isEmpty && defaultPort != nil { host = "::" }
        }
        guard !host.isEmpty, let port = portText.map({ UInt16($0) }) ?? defaultPort else { return nil }
        let hostString = String(host)
        guard TCPAddress(host: hostString, port: port) != nil else { return nil }
        return (hostString, port)
    }
}
