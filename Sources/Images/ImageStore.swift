import Drivers
import Foundation
import JSON
import Operations
import Store

/// The local image store: image files and their unpacked root filesystems under
/// `<state>/images/<fingerprint>/` (`metadata.yaml`, `templates/`, `rootfs/`, and the image's
/// files: `image.tar.gz` for a unified image, `image.metadata` and `image.rootfs` for a split one),
/// and their rows. A virtual-machine image unpacks to `metadata.yaml`, `boot/vmlinuz`,
/// `boot/initrd.img` and an optional `disk.img` instead of `rootfs/` (see `ImageType`).
///
/// An upload is first written to `uploads/` and synced, so the import operation that owns it can be
/// committed (and the `202` sent) knowing the bytes survive a crash; the import itself is idempotent.
public final class ImageStore: Sendable {
    public let directory: String
    let database: Database

    public init(directory: String, database: Database) throws {
        self.directory = directory
        self.database = database
        for path in [directory, directory + "/uploads"] {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        // Containers' mapped root reads the unpacked rootfs while it is copied: the tree itself
        // stays root's, the top only needs to be traversable.
        chmod(directory, 0o711)
        // Request bodies the server was receiving when the daemon stopped: no request owns them.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: uploadsDirectory)) ?? []
        where name.hasPrefix(Self.bodyPrefix) {
            unlink("\(uploadsDirectory)/\(name)")
        }
    }

    /// Where uploads are staged, and where the server spools upload bodies as they arrive (the
    /// same file system, so staging a spooled body is a rename).
    public var uploadsDirectory: String { "\(directory)/uploads" }

    /// The name prefix of bodies the server spools (`FileBodySink`).
    static let bodyPrefix = ".body-"

    /// Where an image's root filesystem is unpacked: what instance creation copies, whatever the
    /// format the image was uploaded in.
    public func rootfs(fingerprint: String) -> String { "\(directory)/\(fingerprint)/rootfs" }

    /// The image whose fingerprint starts with `prefix`.
    public func image(prefix: String) throws -> ImageRow {
        try database.read { try Self.image(prefix: prefix, in: $0) }
    }

    /// The image whose fingerprint starts with `prefix`, read in a transaction the caller holds (to
    /// point an alias at it in the same one).
    public static func image(prefix: String, in connection: SQLiteConnection) throws -> ImageRow {
        guard !prefix.isEmpty else { throw ImageError.notFound }
        let matches = try connection.images(fingerprintPrefix: prefix)
        guard let first = matches.first else { throw ImageError.notFound }
        guard matches.count == 1 else { throw ImageError.ambiguous(prefix: prefix) }
        return first
    }

    /// Removes the row (and its aliases), then the files.
    public func delete(fingerprint: String) async throws {
        try database.write { _ = try $0.deleteImage(fingerprint: fingerprint) }
        let path = "\(directory)/\(fingerprint)"
        try await OffPool.run { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Removes a staged upload's files, for an upload whose import will not run.
    public func discard(_ upload: StagedUpload) {
        for path in upload.files + [upload.metadata + ".fingerprint"] {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
