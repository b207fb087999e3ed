/// A terminal's size in character cells, as `TIOCSWINSZ` takes it.
public struct TerminalSize: Sendable, Equatable {
    public var columns: UInt16
    public var rows: UInt16

    public init(columns: UInt16, rows: UInt16) {
        self.columns = columns
        self.rows = rows
    }

    /// What a terminal gets when the client sends no size (LXD's default too).
    public static let fallback = TerminalSize(columns: 80, rows: 24)
}
