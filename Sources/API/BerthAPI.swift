/// Every endpoint Berth serves, as one table (LXD's `api10` list).
public enum BerthAPI {
    public static func endpoints(_ context: APIContext) -> [Endpoint] {
        ServerEndpoints.endpoints(context)
    }

    public static func responder(_ context: APIContext) -> APIResponder {
        APIResponder(router: Router(endpoints(context)), logger: context.logger)
    }
}
