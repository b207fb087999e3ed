import Drivers
import Foundation
import JSON
import Operations
import Store

extension ImageStore {
    /// The progress stages of an import, in order: `<stage>_progress` keys in the operation's
    /// metadata (`Fingerprint: 45% (…)`, `Unpack: 45% (…)` as the CLI prints them).
    public static let fingerprintStage = "image_fingerprint"
    public static let unpackStage = "image_unpack"
    public static let progressStages = [fingerprintStage, unpackStage]

    /// What the image import operation does with a staged upload: fingerprint it, unpack it, read
    /// its metadata and record it. Running it again after a crash finishes the same import: a
    /// marker next to the upload (`<upload>.fingerprint`, written before the row) tells a re-run
    /// from a second upload of an image that already exists.
    public func importUpload(
        _ upload: StagedUpload, filename: String, isPublic: Bool, properties extra: [(String, String)],
        expectedFingerprint: String = "", progress: @escaping @Sendable (Operations.Progress) async -> Void = { _ in },
        log: @escaping @Sendable (String) async -> Void
    ) async throws -> ImageRow {
        let marker = upload.metadata + ".fingerprint"
        let markedFingerprint = FileManager.default.contents(atPath: marker).map { String(decoding: $0, as: UTF8.self) }
        let fingerprint: String
        let size: Int64
        if upload.files.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
            let files = upload.files
            (fingerprint, size) = try await ProgressTicker.track(
                stage: Self.fingerprintStage, total: Self.totalSize(files), report: progress
            ) { counter in
                try await OffPool.run { try ImageFingerprint.of(files: files, counter: counter) }
            }
        } else if let markedFingerprint {
            (fingerprint, size) = (markedFingerprint, 0)
        } else {
            discard(upload)
            throw ImageError.invalidTarball("the uploaded file is gone")
        }
        if !expectedFingerprint.isEmpty && expectedFingerprint != fingerprint {
            discard(upload)
            throw ImageError.invalidTarball(
                "fingerprints don't match, got \(fingerprint) expected \(expectedFingerprint)")
        }
        let final = "\(directory)/\(fingerprint)"
        if let existing = try database.read({ try $0.images(fingerprintPrefix: fingerprint) }).first {
            if markedFingerprint == fingerprint {
                // This import got as far as its row before the server stopped: finish it.
                store(upload, in: final)
                try? FileManager.default.removeItem(atPath: marker)
                return existing
            }
            discard(upload)
            throw ImageError.alreadyExists(fingerprint: fingerprint)
        }
        let staging = "\(directory)/.unpack-\(fingerprint)"
        try? FileManager.default.removeItem(atPath: staging)
        try? FileManager.default.removeItem(atPath: final)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        do {
            await log("unpacking \(filename) (\(size) bytes, sha256 \(fingerprint))")
            try await ProgressTicker.track(stage: Self.unpackStage, total: size, report: progress) { counter in
                try await Self.unpack(upload, into: staging, counter: counter)
            }
            guard let yaml = FileManager.default.contents(atPath: staging + "/metadata.yaml") else {
                throw ImageError.invalidTarball(
                    upload.rootfs == nil ? "no metadata.yaml" : "no metadata.yaml in the metadata tarball")
            }
            let type = try ImageType(unpacked: staging)
            let metadata = try ImageMetadata.parse(String(decoding: yaml, as: UTF8.self))
            try FileManager.default.moveItem(atPath: staging, toPath: final)
            chmod(final, 0o711)
            var properties = metadata.properties
            for (key, value) in extra {
                properties.removeAll { $0.0 == key }
                properties.append((key, value))
            }
            let row = ImageRow(
                fingerprint: fingerprint, type: type.rawValue, filename: filename, size: size,
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
            store(upload, in: final)
            try? FileManager.default.removeItem(atPath: marker)
            await log("image \(fingerprint) stored")
            return row
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if (try? database.read({ try $0.images(fingerprintPrefix: fingerprint) }).first) == nil {
                try? FileManager.default.removeItem(atPath: final)
            }
            discard(upload)
            throw error
        }
    }

    /// Moves what is left of the upload into the image's directory.
    private func store(_ upload: StagedUpload, in final: String) {
        for (path, name) in zip(upload.files, upload.storedNames) where FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.moveItem(atPath: path, toPath: "\(final)/\(name)")
        }
    }

    /// A unified tarball unpacks as it is (`metadata.yaml`, and `templates/` and `rootfs/`, or a virtual
    /// machine's `boot/` and `disk.img`); a split image's metadata tarball unpacks the same way and its
    /// rootfs (tarball or squashfs) into `rootfs/`.
    static func unpack(_ upload: StagedUpload, into staging: String, counter: ByteCounter) async throws {
        guard case .tarball(let compression) = try ArchiveFormat.detect(path: upload.metadata) else {
            throw ImageError.invalidTarball(
                upload.rootfs == nil
                    ? "a squashfs file is only the rootfs of a split image; import it with its metadata tarball"
                    : "the metadata file is squashfs, not a tarball")
        }
        try await Tar.extract(archive: upload.metadata, into: staging, compression: compression, counter: counter)
        guard let rootfs = upload.rootfs else { return }
        let target = staging + "/rootfs"
        guard !FileManager.default.fileExists(atPath: target) else {
            throw ImageError.invalidTarball("the metadata tarball of a split image holds a rootfs/ of its own")
        }
        switch try ArchiveFormat.detect(path: rootfs) {
        case .squashfs:
            try await Squashfs.extract(image: rootfs, into: target)
            counter.add(Int(try totalSize([rootfs])))
        case .tarball(let compression):
            try FileManager.default.createDirectory(
                atPath: target, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            try await Tar.extract(
                archive: rootfs, into: target, compression: compression, counter: counter, layout: .rootfs)
        }
    }

    static func totalSize(_ files: [String]) throws -> Int64 {
        try files.reduce(0) { total, path in
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return total + ((attributes[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
