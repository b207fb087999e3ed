import Server

/// The `core.*` server configuration keys Berth acts on.
public enum CoreConfigKeys {
    /// `core.https_address`: where the API is served over HTTPS, as LXD takes it — `HOST:PORT`,
    /// `[V6]:PORT`, a bare address (port 8443) or `:PORT` (every address); numeric hosts only.
    public static let httpsAddress = "core.https_address"

    /// The HTTPS listener `config` asks for, nil when none (or the value is not an address).
    public static func httpsListenAddress(_ config: [String: String]) -> ListenAddress? {
        guard let value = config[httpsAddress], !value.isEmpty else { return nil }
        return ListenAddress.parseTLS(value)
    }

    static let validators: [String: ServerConfigKeys.Validator] = [
        httpsAddress: { value in
            ListenAddress.parseTLS(value) == nil
                ? "expected HOST:PORT, [IPV6]:PORT, an address or :PORT, with a numeric host" : nil
        }
    ]
}
