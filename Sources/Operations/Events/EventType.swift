/// LXD 5.0's event types (`GET /1.0/events?type=`).
public enum EventType: String, Sendable, CaseIterable, Hashable {
    case operation
    case logging
    case lifecycle
}

extension EventType {
    /// This type's bit in a set of types kept in one integer.
    var bit: UInt8 {
        switch self {
        case .operation: 1
        case .logging: 2
        case .lifecycle: 4
        }
    }
}
