#if canImport(Glibc)
    import Glibc
#endif

/// Where formatted lines go. Each line is written with one `write(2)` so lines from concurrent
/// threads never interleave.
public struct LogSink: Sendable {
    let emit: @Sendable (String) -> Void

    public init(_ emit: @escaping @Sendable (String) -> Void) { self.emit = emit }

    public static let standardError = LogSink { line in
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(2, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
