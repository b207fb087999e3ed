import JSON
import Store

/// What `PUT` and `PATCH /1.0/images/<fingerprint>` may change (LXD's `api.ImagePut`, less
/// `expires_at`, which the store does not keep yet), read from and written back to an `ImageRow`.
public struct ImageWritable: Sendable, Equatable {
    public var isPublic: Bool
    public var autoUpdate: Bool
    public var properties: [String: String]
    public var profiles: [String]

    public init(isPublic: Bool, autoUpdate: Bool, properties: [String: String], profiles: [String]) {
        self.isPublic = isPublic
        self.autoUpdate = autoUpdate
        self.properties = properties
        self.profiles = profiles
    }

    public init(_ row: ImageRow) {
        var properties: [String: String] = [:]
        for (key, value) in (try? JSONValue.parse(row.properties))?.objectValue ?? [] {
            properties[key] = value.stringValue ?? ""
        }
        let profiles = ((try? JSONValue.parse(row.profiles))?.arrayValue ?? []).compactMap(\.stringValue)
        self.init(isPublic: row.isPublic, autoUpdate: row.autoUpdate, properties: properties, profiles: profiles)
    }

    /// LXD's image ETag: `[public, auto_update, properties]`, keys sorted as Go sorts a map's.
    public var etag: String {
        ImageETag.hash(.array([.bool(isPublic), .bool(autoUpdate), JSONValue.sortedObject(properties)]))
    }

    /// LXD's `PATCH`: the fields present replace, `properties` merge key by key (a key cannot be
    /// removed this way, as in LXD).
    public func merging(
        isPublic: Bool?, autoUpdate: Bool?, properties: [String: String]?, profiles: [String]?
    ) -> ImageWritable {
        var merged = self
        if let isPublic { merged.isPublic = isPublic }
        if let autoUpdate { merged.autoUpdate = autoUpdate }
        if let properties { merged.properties.merge(properties) { _, new in new } }
        if let profiles { merged.profiles = profiles }
        return merged
    }

    /// `row` with these values, JSON columns as they are served.
    public func applied(to row: ImageRow) -> ImageRow {
        var row = row
        row.isPublic = isPublic
        row.autoUpdate = autoUpdate
        row.properties = String(decoding: JSONValue.sortedObject(properties).encoded, as: UTF8.self)
        row.profiles = String(decoding: JSONValue.strings(profiles).encoded, as: UTF8.self)
        return row
    }
}
