/// An operation's status with LXD's codes and names (`shared/api/status_code.go`). Clients key on
/// the number; final means `code >= 200`.
public enum OperationStatus: Int, Sendable, CaseIterable, Hashable {
    case running = 103
    case cancelling = 104
    case pending = 105
    case success = 200
    case failure = 400
    case cancelled = 401

    public var code: Int { rawValue }

    /// The exact `status` string LXD sends.
    public var name: String {
        switch self {
        case .running: "Running"
        case .cancelling: "Cancelling"
        case .pending: "Pending"
        case .success: "Success"
        case .failure: "Failure"
        case .cancelled: "Cancelled"
        }
    }

    public var isFinal: Bool { rawValue >= 200 }

    /// The lower-cased name keying `GET /1.0/operations`.
    public var listKey: String { name.lowercased() }

    public init?(listKey: String) {
        guard let match = OperationStatus.allCases.first(where: { $0.listKey == listKey.lowercased() }) else {
            return nil
        }
        self = match
    }
}
