/// An incremental `multipart/form-data` parser (RFC 7578 over RFC 2046 §5.1.1), pure and without
/// I/O: ``append(_:)`` bytes as they arrive, then call ``next()`` until it returns nil for more.
/// Part bodies are handed out as slices while the delimiter is still being looked for, so memory
/// stays bounded by one appended chunk plus the header limit, whatever the size of the parts.
///
/// Strict where RFC 2046 is: delimiters are `CRLF--boundary`, boundary lines end in CRLF
/// (transport padding allowed), header sections end in an empty line. The preamble and the
/// epilogue are ignored. Once it has thrown, the parser must not be used again.
public struct MultipartParser: Sendable {
    enum State {
        /// Before the first boundary; `atStart` while nothing has been consumed, where the
        /// boundary may come without the CRLF before it.
        case preamble(atStart: Bool)
        /// Right after a delimiter: `--` closes the body, padding and CRLF open a part.
        case boundaryLine
        case headers
        case body
        case epilogue
    }

    /// `CRLF--boundary`: what ends every part's body.
    let delimiter: [UInt8]
    let limits: MultipartLimits
    private(set) var state = State.preamble(atStart: true)
    private(set) var partCount = 0
    private var buffer: [UInt8] = []
    private var position = 0

    /// A parser for the `boundary` parameter of the request's `Content-Type`.
    public init(boundary: String, limits: MultipartLimits = MultipartLimits()) throws(MultipartError) {
        try Self.validate(boundary: boundary)
        delimiter = MultipartSearch.crlf + Array("--\(boundary)".utf8)
        self.limits = limits
    }

    /// Whether the close delimiter has been read: what follows is epilogue.
    public var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if case .epilogue = state { return }
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Call once the body has ended: throws unless the close delimiter was read.
    public func finish() throws(MultipartError) {
        switch state {
        case .epilogue: return
        case .preamble: throw .missingOpeningBoundary
        default: throw .truncated
        }
    }

    /// The next event, or nil when more bytes are needed (or the body is complete).
    public mutating func next() throws(MultipartError) -> MultipartEvent? {
        while true {
            switch state {
            case .preamble(let atStart):
                if atStart {
                    let dashBoundary = delimiter[2...]
                    let available = buffer[position...]
                    if available.count < dashBoundary.count {
                        guard available.elementsEqual(dashBoundary.prefix(available.count)) else {
                            state = .preamble(atStart: false)
                            continue
                        }
                        return nil
                    }
                    if available.prefix(dashBoundary.count).elementsEqual(dashBoundary) {
                        position += dashBoundary.count
                        state = .boundaryLine
                        continue
                    }
                    state = .preamble(atStart: false)
                }
                guard let found = MultipartSearch.firstIndex(of: delimiter, in: buffer[position...]) else {
                    // The preamble is dropped, but a delimiter may have begun in its last bytes.
                    position = buffer.count - MultipartSearch.partialSuffix(of: delimiter, in: buffer[position...])
                    return nil
                }
                position = found + delimiter.count
                state = .boundaryLine
            case .boundaryLine:
                guard try readBoundaryLine() else { return nil }
            case .headers:
                guard let part = try readHeaders() else { return nil }
                state = .body
                return .partStart(part)
            case .body:
                let available = buffer[position...]
                if let found = MultipartSearch.firstIndex(of: delimiter, in: available) {
                    if found > position {
                        let data = buffer[position..<found]
                        position = found
                        return .data(data)
                    }
                    position += delimiter.count
                    state = .boundaryLine
                    return .partEnd
                }
                let safe = available.count - MultipartSearch.partialSuffix(of: delimiter, in: available)
                guard safe > 0 else { return nil }
                let data = buffer[position..<(position + safe)]
                position += safe
                return .data(data)
            case .epilogue:
                buffer = []
                position = 0
                return nil
            }
        }
    }

    /// After a delimiter: `--` ends the body; transport padding and CRLF start a part. Returns
    /// false while the line is incomplete.
    private mutating func readBoundaryLine() throws(MultipartError) -> Bool {
        let available = buffer[position...]
        guard available.count >= 2 else { return false }
        if available.prefix(2).elementsEqual("--".utf8) {
            state = .epilogue
            return true
        }
        var index = available.startIndex
        while index < available.endIndex,
            available[index] == UInt8(ascii: " ") || available[index] == UInt8(ascii: "\t")
        {
            index += 1
            guard index - available.startIndex <= limits.maxHeaderBytes else { throw .malformedBoundaryLine }
        }
        guard available.endIndex - index >= 2 else { return false }
        guard available[index] == 0x0D, available[index + 1] == 0x0A else { throw .malformedBoundaryLine }
        guard partCount < limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }
        partCount += 1
        position = index + 2
        state = .headers
        return true
    }

    /// The part's headers once its empty line has arrived; nil while it has not.
    private mutating func readHeaders() throws(MultipartError) -> MultipartPart? {
        let available = buffer[position...]
        if available.count >= 2, available.prefix(2).elementsEqual(MultipartSearch.crlf) {
            // No header at all: RFC 7578 §4.2 requires Content-Disposition, so this part is refused.
            position += 2
            return try MultipartPart.parse(headerSection: [])
        }
        let window = available.prefix(limits.maxHeaderBytes)
        guard let end = MultipartSearch.firstIndex(of: Self.emptyLine, in: window) else {
            if available.count >= limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
            return nil
        }
        let section = buffer[position..<(end + 2)]
        position = end + Self.emptyLine.count
        return try MultipartPart.parse(headerSection: section)
    }

    private static let emptyLine: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

    /// RFC 2046 §5.1.1: 1 to 70 `bchars`, the last not a space.
    static func validate(boundary: String) throws(MultipartError) {
        let bytes = Array(boundary.utf8)
        guard !bytes.isEmpty else { throw .invalidBoundary("Content-Type has no boundary") }
        guard bytes.count <= 70 else { throw .invalidBoundary("the boundary is longer than 70 characters") }
        let allowed = Set("'()+_,-./:=? ".utf8)
        let valid = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || allowed.contains(byte)
        }
        guard valid, bytes.last != UInt8(ascii: " ") else {
            throw .invalidBoundary("the boundary has characters RFC 2046 does not allow")
        }
    }
}
