import JSON
import Synchronization

/// `GET /1.0` is what every `lxc` command sends first, so its two bodies (trusted and untrusted) are
/// encoded once per configuration change and served as bytes from the event loop.
public final class ServerInfoCache: Sendable {
    public struct Snapshot: Sendable {
        public let config: [String: String]
        /// Whole response bodies, envelope included.
        public let trustedBody: [UInt8]
        public let untrustedBody: [UInt8]
        /// LXD's ETag for the server: sha256 of the JSON of its config.
        public let etag: String
    }

    private let current: Mutex<(info: ServerInfo, snapshot: Snapshot)>

    public init(info: ServerInfo, config: [String: String]) {
        current = Mutex((info, ServerInfoCache.render(info: info, config: config)))
    }

    public var snapshot: Snapshot { current.withLock { $0.snapshot } }

    /// Re-renders after a configuration change.
    public func update(config: [String: String]) {
        current.withLock { $0.snapshot = ServerInfoCache.render(info: $0.info, config: config) }
    }

    /// Re-renders after the network listeners changed (`core.https_address`).
    public func update(addresses: [String]) {
        current.withLock { current in
            current.info.addresses = addresses
            current.snapshot = ServerInfoCache.render(info: current.info, config: current.snapshot.config)
        }
    }

    private static func render(info: ServerInfo, config: [String: String]) -> Snapshot {
        Snapshot(
            config: config,
            trustedBody: Envelope.syncBody(metadata: info.trusted(config: config).encoded),
            untrustedBody: Envelope.syncBody(metadata: info.untrusted().encoded),
            etag: ETag.of(JSONValue.sortedObject(config)))
    }
}
