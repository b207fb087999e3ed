/// Why an image could not be imported, found or removed. The API maps these to LXD's errors.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    case invalidMetadata(String)
    /// The uploaded bytes are not an image Berth can import: not a tarball, a malformed
    /// `multipart/form-data` body, parts LXD would not accept, a squashfs rootfs without
    /// squashfs-tools on the host. A 400 when found at upload, the operation's error after.
    case invalidTarball(String)
    case alreadyExists(fingerprint: String)
    case notFound
    case ambiguous(prefix: String)
    case inUse(String)

    public var description: String {
        switch self {
        case .invalidMetadata(let reason): "Invalid image metadata.yaml: \(reason)"
        case .invalidTarball(let reason): "Invalid image file: \(reason)"
        case .alreadyExists: "Image with same fingerprint already exists"
        case .notFound: "Image not found"
        case .ambiguous(let prefix): "More than one image matches \"\(prefix)\""
        case .inUse(let reason): reason
        }
    }
}
