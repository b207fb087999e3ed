import Server

/// Serves `core.https_address` live, as LXD does: a change binds the new address before the
/// configuration is written (so an address that cannot be bound is refused and nothing changes),
/// and the old listener stops once the write is committed. Connections it accepted are served to
/// their end. Every server configuration write goes through `change(to:commit:)`, so two changes of
/// the address cannot interleave.
public actor HTTPSListener {
    private var server: HTTPServer?
    /// `--listen` addresses: served whatever the configuration says.
    private var fixed: [ListenAddress] = []
    /// The configured address and what the server bound for it (port 0 resolved), if bound.
    private var configured: ListenAddress?
    private var bound: ListenAddress?

    public init() {}

    /// Hands over the running server and what it already serves. Until this is called (tests
    /// without a server), changes are only stored.
    public func attach(
        server: HTTPServer, fixed: [ListenAddress], configured: ListenAddress?, bound: ListenAddress?
    ) {
        self.server = server
        self.fixed = fixed
        self.configured = configured
        self.bound = bound
    }

    /// Connections open on every listener of the server (`berth_http_connections_open`); 0 before `attach`.
    public var openConnections: Int { server?.openConnections ?? 0 }

    /// The network addresses served now (`environment.addresses`).
    public var addresses: [String] { (fixed + (bound.map { [$0] } ?? [])).map(\.description) }

    /// Runs `commit` (the configuration write) with the address `wanted` computes already
    /// listening; if `commit` throws, the new listener is removed again and the old one kept.
    /// `wanted` runs here too, so it sees every earlier change committed.
    func change<T: Sendable>(
        to wanted: @Sendable () throws -> ListenAddress?, commit: @Sendable () throws -> T
    ) async throws -> T {
        guard let server else { return try commit() }
        let wanted = try wanted()
        guard wanted != configured else { return try commit() }
        var added: ListenAddress?
        if let wanted, !fixed.contains(wanted) {
            do {
                added = try server.addListener(wanted)
            } catch {
                throw APIError.badRequest("cannot listen on \(wanted) for \(CoreConfigKeys.httpsAddress): \(error)")
            }
        }
        let result: T
        do {
            result = try commit()
        } catch {
            if let added { await server.removeListener(added) }
            throw error
        }
        let previous = bound
        configured = wanted
        bound = added
        if let previous { await server.removeListener(previous) }
        return result
    }
}
