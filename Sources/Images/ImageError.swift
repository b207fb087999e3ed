/// Why an image could not be imported, found or removed. The API maps these to LXD's errors.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    case invalidMetadata(String)
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
