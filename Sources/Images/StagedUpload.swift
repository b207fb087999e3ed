import JSON

/// The files of an upload, synced in `uploads/` before its import operation is committed: one
/// unified tarball, or a split image's metadata tarball and rootfs (tarball or squashfs).
public struct StagedUpload: Sendable, Equatable {
    /// The unified tarball, or the metadata tarball of a split image.
    public var metadata: String
    /// The rootfs of a split image; nil for a unified one.
    public var rootfs: String?
    /// For a split upload, the rootfs part's file name, which LXD records as the image's.
    public var filename: String

    public init(metadata: String, rootfs: String? = nil, filename: String = "") {
        self.metadata = metadata
        self.rootfs = rootfs
        self.filename = filename
    }

    /// The files, in fingerprint order.
    public var files: [String] { [metadata] + (rootfs.map { [$0] } ?? []) }

    /// Where each file goes in the image's directory once the image is recorded.
    var storedNames: [String] { rootfs == nil ? ["image.tar.gz"] : ["image.metadata", "image.rootfs"] }

    /// The import operation's payload keys (`upload`, and `rootfs` for a split image).
    public var payload: [(String, JSONValue)] {
        [("upload", .string(metadata))] + (rootfs.map { [("rootfs", .string($0))] } ?? [])
    }

    /// The upload an import operation's payload names.
    public init(payload: JSONValue) {
        self.init(metadata: payload["upload"]?.stringValue ?? "", rootfs: payload["rootfs"]?.stringValue)
    }
}
