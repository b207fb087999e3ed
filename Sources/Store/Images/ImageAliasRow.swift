/// One `image_aliases` row: a name that points at an image.
public struct ImageAliasRow: Sendable, Equatable {
    public var name: String
    public var fingerprint: String
    public var description: String
    /// `container` or `virtual-machine`; LXD fills it from the image when the request leaves it empty.
    public var type: String

    public init(name: String, fingerprint: String, description: String, type: String) {
        self.name = name
        self.fingerprint = fingerprint
        self.description = description
        self.type = type
    }

    init(_ row: Row) {
        self.init(
            name: row.string(at: 0), fingerprint: row.string(at: 1), description: row.string(at: 2),
            type: row.string(at: 3))
    }
}
