import Drivers
import Foundation
import JSON
import Operations
import Store

/// The local image store: image files and their unpacked root filesystems under
/// `<state>/images/<fingerprint>/` (`image.tar.gz`, `metadata.yaml`, `rootfs/`), and their rows.
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
    }

    public func rootfs(fingerprint: String) -> String { "\(directory)/\(fingerprint)/rootfs" }

    /// Writes `bytes` to a new file in `uploads/` and syncs it; returns its path.
    public func stageUpload(_ bytes: [UInt8]) async throws -> String {
        let path = "\(directory)/uploads/\(UUID().uuidString.lowercased())"
        try await OffPool.run {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes {
                    write(descriptor, $0.baseAddress! + offset, bytes.count - offset)
                }
                guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                offset += written
            }
            guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        return path
    }

    /// What the image import operation does with a staged upload: fingerprint it, unpack it, read
    /// its metadata and record it. Running it again after a crash finishes the same import: a
    /// marker next to the upload (`<upload>.fingerprint`, written before the row) tells a re-run
    /// from a second upload of an image that already exists.
    public func importUpload(
        path: String, filename: String, isPublic: Bool, properties extra: [(String, String)],
        log: @escaping @Sendable (String) async -> Void
    ) async throws -> ImageRow {
        let marker = path + ".fingerprint"
        let markedFingerprint = FileManager.default.contents(atPath: marker).map { String(decoding: $0, as: UTF8.self) }
        let fingerprint: String
        let size: Int64
        if FileManager.default.fileExists(atPath: path) {
            (fingerprint, size) = try await OffPool.run { try Self.fingerprint(of: path) }
        } else if let markedFingerprint {
            (fingerprint, size) = (markedFingerprint, 0)
        } else {
            throw ImageError.invalidTarball("the uploaded file is gone")
        }
        let final = "\(directory)/\(fingerprint)"
        if let existing = try database.read({ try $0.images(fingerprintPrefix: fingerprint) }).first {
            if markedFingerprint == fingerprint {
                // This import got as far as its row before the server stopped: finish it.
                if FileManager.default.fileExists(atPath: path) {
                    try? FileManager.default.moveItem(atPath: path, toPath: final + "/image.tar.gz")
                }
                try? FileManager.default.removeItem(atPath: marker)
                return existing
            }
            try? FileManager.default.removeItem(atPath: path)
            throw ImageError.alreadyExists(fingerprint: fingerprint)
        }
        let staging = "\(directory)/.unpack-\(fingerprint)"
        try? FileManager.default.removeItem(atPath: staging)
        try? FileManager.default.removeItem(atPath: final)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        do {
            await log("unpacking \(filename) (\(size) bytes, sha256 \(fingerprint))")
            try await Tar.extract(archive: path, into: staging)
            guard let yaml = FileManager.default.contents(atPath: staging + "/metadata.yaml") else {
                throw ImageError.invalidTarball("no metadata.yaml (only unified images are supported so far)")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: staging + "/rootfs", isDirectory: &isDirectory),
                isDirectory.boolValue
            else { throw ImageError.invalidTarball("no rootfs/ directory") }
            let metadata = try ImageMetadata.parse(String(decoding: yaml, as: UTF8.self))
            try FileManager.default.moveItem(atPath: staging, toPath: final)
            chmod(final, 0o711)
            var properties = metadata.properties
            for (key, value) in extra {
                properties.removeAll { $0.0 == key }
                properties.append((key, value))
            }
            let row = ImageRow(
                fingerprint: fingerprint, type: "container", filename: filename, size: size,
                architecture: metadata.architecture, isPublic: isPublic, autoUpdate: false,
                properties: String(
                    decoding: JSONValue.object(properties.sorted { $0.0 < $1.0 }.map { ($0.0, .string($0.1)) }).encoded,
                    as: UTF8.self),
                profiles: #"["default"]"#, createdAt: metadata.creationDate.map { $0 * 1_000_000_000 },
                uploadedAt: Timestamp.now().nanoseconds, lastUsedAt: nil)
            guard FileManager.default.createFile(atPath: marker, contents: Data(fingerprint.utf8)) else {
                throw ImageError.invalidTarball("cannot write \(marker)")
            }
            try database.write { try $0.insertImage(row) }
            try FileManager.default.moveItem(atPath: path, toPath: final + "/image.tar.gz")
            try? FileManager.default.removeItem(atPath: marker)
            await log("image \(fingerprint) stored")
            return row
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if (try? database.read({ try $0.images(fingerprintPrefix: fingerprint) }).first) == nil {
                try? FileManager.default.removeItem(atPath: final)
            }
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: marker)
            throw error
        }
    }

    /// The image whose fingerprint starts with `prefix`.
    public func image(prefix: String) throws -> ImageRow {
        guard !prefix.isEmpty else { throw ImageError.notFound }
        let matches = try database.read { try $0.images(fingerprintPrefix: prefix) }
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

    static func fingerprint(of path: String) throws -> (String, Int64) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ImageError.invalidTarball("cannot read the upload: errno \(errno)") }
        defer { close(descriptor) }
        var digest = SHA256Digest()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw ImageError.invalidTarball("cannot read the upload: errno \(errno)") }
            if count == 0 { break }
            buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            size += Int64(count)
        }
        return (digest.hex(), size)
    }
}
