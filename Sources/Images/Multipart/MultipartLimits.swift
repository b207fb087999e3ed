/// Bounds that ``MultipartParser`` enforces while bytes arrive, so a client cannot make the daemon
/// buffer an unbounded header section or count parts without end. Part bodies are never buffered:
/// they leave the parser as they arrive, less the few bytes that could start a delimiter.
public struct MultipartLimits: Sendable, Equatable {
    /// The largest header section of one part, its final empty line included.
    public var maxHeaderBytes: Int
    /// The most parts one body may hold.
    public var maxParts: Int

    public init(maxHeaderBytes: Int = 8192, maxParts: Int = 16) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxParts = maxParts
    }
}
