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

    /// Stages a raw upload the server already wrote to `file` (a spooled body in `uploads/`): synced
    /// and renamed, never copied.
    public func stageUpload(file: String) async throws -> StagedUpload {
        let path = "\(directory)/uploads/\(UUID().uuidString.lowercased())"
        try await OffPool.run {
            let descriptor = open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw ImageError.invalidTarball("the uploaded body is gone") }
            defer { close(descriptor) }
            // A disk failure, not the client's: a 500.
            guard fsync(descriptor) == 0, rename(file, path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
        return StagedUpload(metadata: path)
    }

    /// As `stageSplitUpload(_:boundary:)`, reading the body from `file` a chunk at a time.
    public func stageSplitUpload(file: String, boundary: String) async throws -> StagedUpload {
        let base = "\(directory)/uploads/\(UUID().uuidString.lowercased())"
        let upload = StagedUpload(metadata: base + ".metadata", rootfs: base + ".rootfs")
        return try await OffPool.run {
            do {
                let descriptor = open(file, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw ImageError.invalidTarball("the uploaded body is gone") }
                defer { close(descriptor) }
                var buffer = [UInt8](repeating: 0, count: SplitUploadWriter.chunkBytes)
                return try SplitUploadWriter(upload: upload).write(boundary: boundary) {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    guard count >= 0 else { throw ImageError.invalidTarball("reading the uploaded body failed") }
                    return count == 0 ? nil : buffer[0..<count]
                }
            } catch {
                for path in upload.files { unlink(path) }
                if let error = error as? MultipartError { throw ImageError.invalidTarball(error.description) }
                throw error
            }
        }
    }
}
