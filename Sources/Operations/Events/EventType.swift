/// LXD 5.0's event types (`GET /1.0/events?type=`).
public enum EventType: String, Sendable, CaseIterable, Hashable {
    case operation
    case logging
    case lifecycle
}
