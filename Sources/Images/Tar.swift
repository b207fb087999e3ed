import Foundation

/// Unpacks image tarballs with the host's GNU tar (gzip, xz and zstd by their magic), keeping
/// numeric owners and modes: a rootfs is root's tree with setuid bits and device nodes.
enum Tar {
    static func extract(archive: String, into directory: String) async throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("berth-tar-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/tar")
        process.arguments = ["--numeric-owner", "-xpf", archive, "-C", directory]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: errors)
        process.standardError = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? handle.close()
        guard status == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw ImageError.invalidTarball(
                "tar -xpf failed (exit \(status)): "
                    + message.split(separator: "\n").suffix(3).joined(separator: "; "))
        }
    }
}
