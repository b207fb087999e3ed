#if canImport(Glibc)
    import Glibc
#endif

/// An image's fingerprint: the SHA-256 of its file, or for a split image of the metadata file's
/// bytes followed by the rootfs file's (LXD's `getImgPostInfo` feeds both parts into one hash).
enum ImageFingerprint {
    /// The fingerprint and total size of `files`, hashed in order; `counter` sees the bytes read.
    static func of(files: [String], counter: ByteCounter? = nil) throws -> (fingerprint: String, size: Int64) {
        var digest = SHA256Digest()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        for path in files {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw ImageError.invalidTarball("cannot read the upload: errno \(errno)") }
            defer { close(descriptor) }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { throw ImageError.invalidTarball("cannot read the upload: errno \(errno)") }
                if count == 0 { break }
                buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                size += Int64(count)
                counter?.add(count)
            }
        }
        return (digest.hex(), size)
    }
}
