import HTTP
import Log
import Operations
import Server

/// `GET /1.0/events` (LXD's `lxd/events.go`): LXD's WebSocket, and the same feed as NDJSON or
/// Server-Sent Events, each with replay from `since`.
enum EventsEndpoints {
    static func endpoints(_ context: APIContext) -> [Endpoint] {
        [Endpoint("/1.0/events", get: .immediate(.authenticated) { request in try events(request, context) })]
    }

    /// Validates everything, then subscribes on the loop thread before returning the upgrade or the
    /// stream head: every event published after the 101 (or the 200) reaches this client.
    static func events(_ request: APIRequest, _ context: APIContext) throws -> APIResponse {
        let query = try EventsQuery(request)
        let bus = context.events
        let subscription = bus.subscribe(types: query.types, project: query.project)
        // The replay reads the store in the handler's task, never on the loop.
        let feed = EventFeed(subscription: subscription, since: query.since, database: context.database)
        let logger = context.logger
        let form = query.form
        let connection = String(request.context.connectionID)
        logger.debug(
            "event listener started",
            [
                "connection": connection, "form": "\(form)",
                "types": query.types.map(\.rawValue).sorted().joined(separator: ","),
                "project": query.project ?? "*", "since": query.since.map(String.init) ?? "-",
            ])
        @Sendable func stopped() {
            logger.debug(
                "event listener stopped",
                [
                    "connection": connection, "reason": subscription.dropReason ?? "closed",
                    "subscribers": String(bus.subscriberCount),
                ])
        }
        switch form {
        case .webSocket:
            return .reply(
                .webSocket(headers: [:]) { session in
                    await EventsWebSocket.serve(feed, on: session)
                    stopped()
                })
        case .ndjson, .serverSentEvents:
            return .reply(
                .stream(head: form.head) { writer in
                    await EventsStream.serve(feed, as: form, to: writer)
                    stopped()
                })
        }
    }
}
