/// A request body that was written to a file as it arrived (see ``HTTPBodySink``). The handler
/// may move the file away; the server removes it when the request has been answered.
public struct HTTPSpooledBody: Sendable, Equatable {
    public var path: String
    public var byteCount: Int

    public init(path: String, byteCount: Int) {
        self.path = path
        self.byteCount = byteCount
    }
}
