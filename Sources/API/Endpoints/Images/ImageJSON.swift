import JSON
import Operations
import Store

/// Images and aliases as LXD 5.0 serves them (`api.Image`, `api.ImageAlias`, field order included).
enum ImageJSON {
    /// Go's zero `time.Time`, which LXD shows for times never set.
    static let zeroTime = "0001-01-01T00:00:00Z"

    static func image(_ image: ImageRow, aliases: [ImageAliasRow]) -> JSONValue {
        let properties = (try? JSONValue.parse(image.properties)) ?? .object([])
        let profiles = (try? JSONValue.parse(image.profiles)) ?? .array([])
        return .object([
            ("auto_update", .bool(image.autoUpdate)),
            ("properties", properties),
            ("public", .bool(image.isPublic)),
            ("expires_at", .string("1970-01-01T00:00:00Z")),
            ("profiles", profiles),
            (
                "aliases",
                .array(
                    aliases.filter { $0.fingerprint == image.fingerprint }.map {
                        .object([("name", .string($0.name)), ("description", .string($0.description))])
                    })
            ),
            ("architecture", .string(image.architecture)),
            ("cached", .bool(false)),
            ("filename", .string(image.filename)),
            ("fingerprint", .string(image.fingerprint)),
            ("size", .int(Int(image.size))),
            ("type", .string(image.type)),
            ("created_at", .string(time(image.createdAt))),
            ("last_used_at", .string(time(image.lastUsedAt))),
            ("uploaded_at", .string(time(image.uploadedAt))),
        ])
    }

    static func alias(_ alias: ImageAliasRow) -> JSONValue {
        .object([
            ("description", .string(alias.description)),
            ("target", .string(alias.fingerprint)),
            ("name", .string(alias.name)),
            ("type", .string(alias.type)),
        ])
    }

    static func time(_ nanoseconds: Int64?) -> String {
        nanoseconds.map { Timestamp(nanoseconds: $0).description } ?? zeroTime
    }
}
