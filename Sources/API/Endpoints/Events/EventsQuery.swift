import HTTP
import Operations

/// The parameters of `GET /1.0/events`, validated before any upgrade or stream head (LXD's
/// `eventsSocket` checks its parameters first and upgrades "as late as possible").
struct EventsQuery: Equatable {
    var types: Set<EventType>
    /// The subscriber's project; nil with `all-projects=true`.
    var project: String?
    /// Replay stored events with an id above this (`since`, or `Last-Event-ID` for SSE).
    var since: Int64?
    var form: EventWireForm

    /// Parses `request` in LXD's order: project, then type, then our additions (`since`, the wire form).
    init(_ request: APIRequest) throws(APIError) {
        let allProjects = Self.isTrue(request.queryValue("all-projects"))
        if allProjects, let project = request.queryValue("project"), !project.isEmpty {
            // LXD 5.0 answers its `/1.0/events` parameter errors with 500 (`SmartError` of a plain error).
            throw APIError.internalError("Cannot specify a project when requesting all projects")
        }
        project = allProjects ? nil : request.project
        types = try Self.types(request.queryValue("type"))

        guard let form = EventWireForm.negotiate(request.http.headers) else {
            throw APIError.badRequest(
                "GET /1.0/events needs a WebSocket upgrade, \"Accept: application/x-ndjson\" or "
                    + "\"Accept: text/event-stream\"")
        }
        self.form = form
        since = try Self.eventID(request.queryValue("since"), name: "since")
        // An EventSource reconnecting sends the id of the last event it saw; it wins over the URL's `since`.
        if form == .serverSentEvents,
            let lastID = try Self.eventID(request.http.headers["Last-Event-ID"], name: "Last-Event-ID")
        {
            since = lastID
        }
    }

    /// `type` is a comma list; empty or absent means every type. Entries are matched exactly, as LXD
    /// does (`operation,` names the empty type and fails).
    static func types(_ value: String?) throws(APIError) -> Set<EventType> {
        guard let value, !value.isEmpty else { return Set(EventType.allCases) }
        var types: Set<EventType> = []
        for entry in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard let type = EventType(rawValue: String(entry)) else {
                throw APIError.internalError("\"\(entry)\" isn't a supported event type")
            }
            types.insert(type)
        }
        return types
    }

    /// An event id: a non-negative integer. Empty or absent means none.
    static func eventID(_ value: String?, name: String) throws(APIError) -> Int64? {
        guard let value, !value.isEmpty else { return nil }
        guard let id = Int64(value), id >= 0 else {
            throw APIError.badRequest("Invalid \(name) \"\(value.prefix(64))\": expected an event id (an integer ≥ 0)")
        }
        return id
    }

    /// LXD's `shared.IsTrue`.
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["true", "1", "yes", "on"].contains(value.lowercased())
    }
}
