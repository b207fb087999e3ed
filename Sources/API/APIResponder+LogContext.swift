import Log
import Server

extension APIResponder {
    /// Every line logged while a request is handled carries its `request_id`: the routing and an
    /// immediate handler run inside the binding here; work the reply carries out later (a deferred
    /// handler, a stream's producer, a WebSocket session) runs after `respond` has returned, so it is
    /// bound again where it runs.
    static func carrying(_ logContext: LogContext, _ reply: Reply) -> Reply {
        switch reply {
        case .response:
            return reply
        case .deferred(let work):
            return .deferred {
                let next = await LogContext.$current.withValue(logContext) { await work() }
                return carrying(logContext, next)
            }
        case .stream(let head, let producer):
            return .stream(head: head) { writer in
                await LogContext.$current.withValue(logContext) { await producer(writer) }
            }
        case .webSocket(let headers, let handler):
            return .webSocket(headers: headers) { session in
                await LogContext.$current.withValue(logContext) { await handler(session) }
            }
        }
    }
}
