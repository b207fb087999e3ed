import Drivers
import Foundation

extension ImageStore {
    /// Writes a raw upload (a unified tarball) to a new file in `uploads/` and syncs it.
    public func stageUpload(_ bytes: [UInt8]) async throws -> StagedUpload {
        let path = "\(directory)/uploads/\(UUID().uuidString.lowercased())"
        try await OffPool.run {
            do {
                let file = try UploadFile(path: path)
                try file.write(bytes[...])
                try file.sync()
            } catch {
                unlink(path)
                throw error
            }
        }
        return StagedUpload(metadata: path)
    }

    /// Writes the parts of a split image's `multipart/form-data` upload (LXD's: `metadata`, then
    /// `rootfs`) to two files in `uploads/` and syncs them. A malformed body, a part LXD would not
    /// accept, or a squashfs rootfs this host cannot unpack is refused here, before any operation
    /// exists, and leaves no file behind.
    public func stageSplitUpload(_ body: [UInt8], boundary: String) async throws -> StagedUpload {
        let base = "\(directory)/uploads/\(UUID().uuidString.lowercased())"
        let upload = StagedUpload(metadata: base + ".metadata", rootfs: base + ".rootfs")
        return try await OffPool.run {
            do {
                return try SplitUploadWriter(upload: upload).write(body, boundary: boundary)
            } catch {
                for path in upload.files { unlink(path) }
                if let error = error as? MultipartError { throw ImageError.invalidTarball(error.description) }
                throw error
            }
        }
    }
}
