/// What ``MultipartParser/next()`` found: parts open, carry bytes and close, in that order.
public enum MultipartEvent: Sendable, Equatable {
    /// A part's header section was read.
    case partStart(MultipartPart)
    /// Bytes of the current part's body. Valid until the next call to the parser.
    case data(ArraySlice<UInt8>)
    /// The current part's body ended at a boundary delimiter.
    case partEnd
}
