import COpenSSL

/// A TLS set-up failure: making or loading the server's identity, or configuring OpenSSL. It keeps
/// what OpenSSL's error queue said, which is the only useful part of such a failure.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What Berth was doing (`load certificate /var/lib/berth/server.crt`).
    public let operation: String
    /// OpenSSL's reasons, oldest first, or the system's for file errors.
    public let reasons: [String]

    public init(_ operation: String, reasons: [String]) {
        self.operation = operation
        self.reasons = reasons
    }

    /// Takes (and clears) the calling thread's OpenSSL error queue.
    static func openSSL(_ operation: String) -> TLSError {
        TLSError(operation, reasons: drainErrorQueue())
    }

    /// OpenSSL keeps errors per thread; one left behind would be blamed on the next failure there.
    static func drainErrorQueue() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            guard code != 0 else { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons
    }

    public var description: String {
        reasons.isEmpty ? operation : "\(operation): \(reasons.joined(separator: "; "))"
    }
}
