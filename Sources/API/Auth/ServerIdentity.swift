import JSON

/// What a trust token tells a client about the server: its certificate's fingerprint (checked on
/// first contact) and the addresses it listens on. Read when a token is made, from wherever the
/// TLS listener publishes them.
public struct ServerIdentity: Sendable {
    public let fingerprint: @Sendable () -> String
    public let addresses: @Sendable () -> [String]

    public init(fingerprint: @escaping @Sendable () -> String, addresses: @escaping @Sendable () -> [String]) {
        self.fingerprint = fingerprint
        self.addresses = addresses
    }

    /// From `GET /1.0`'s `environment` (`certificate_fingerprint`, `addresses`), the one place the
    /// server already reports both.
    public static func serverInfo(_ cache: ServerInfoCache) -> ServerIdentity {
        @Sendable func environment() -> JSONValue? {
            let body = cache.snapshot.trustedBody
            return (try? JSONValue.parse(body))?["metadata"]?["environment"]
        }
        return ServerIdentity(
            fingerprint: { environment()?["certificate_fingerprint"]?.stringValue ?? "" },
            addresses: { environment()?["addresses"]?.arrayValue?.compactMap(\.stringValue) ?? [] })
    }
}
