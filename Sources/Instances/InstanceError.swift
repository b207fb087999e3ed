/// Why an instance request is refused. The API maps these to LXD's statuses and messages.
public enum InstanceError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case notFound
    case alreadyExists(String)
    case badRequest(String)
    case isRunning

    public var description: String {
        switch self {
        case .invalidName(let message): message
        case .notFound: "Instance not found"
        case .alreadyExists(let name): "Instance \"\(name)\" already exists"
        case .badRequest(let message): message
        case .isRunning: "Instance is running"
        }
    }
}
