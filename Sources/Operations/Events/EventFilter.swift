/// Which events a subscriber wants: LXD's delivery rule (`lxd/events/events.go`).
public struct EventFilter: Sendable, Equatable {
    /// The types delivered; an empty set delivers nothing.
    public var types: Set<EventType>
    /// The subscriber's project, or nil for all projects (`?all-projects=true`).
    public var project: String?

    public init(types: Set<EventType>, project: String?) {
        self.types = types
        self.project = project
    }

    /// An event of `type` in `project` passes when its type is wanted and it is server-level (no project),
    /// or the subscriber listens to all projects, or the projects are the same.
    public func matches(type: EventType, project eventProject: String?) -> Bool {
        guard types.contains(type) else { return false }
        guard let eventProject, let project else { return true }
        return eventProject == project
    }

    public func matches(_ event: Event) -> Bool { matches(type: event.type, project: event.project) }
}
