/// Why an instance request is refused. The API maps these to LXD's statuses and messages.
public enum InstanceError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case notFound
    case alreadyExists(String)
    case badRequest(String)
    case isRunning
    case snapshotNotFound
    /// A snapshot of that name exists, or is being made.
    case snapshotExists(String)

    public var description: String {
        switch self {
        case .invalidName(let message): message
        case .notFound: "Instance not found"
        case .alreadyExists(let name): "Instance \"\(name)\" already exists"
        case .badRequest(let message): message
        case .isRunning: "Instance is running"
        case .snapshotNotFound: "Snapshot not found"
        case .snapshotExists(let name): "Snapshot \"\(name)\" already exists"
        }
    }
}
