#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call, keeping errno and its `strerror` text (FlyingFox's `SocketError.makeFailed`).
public struct SystemError: Error, Sendable, CustomStringConvertible, Equatable {
    public let call: String
    public let errno: Int32
    public let detail: String?

    public init(_ call: String, errno: Int32 = Glibc.errno, detail: String? = nil) {
        self.call = call
        self.errno = errno
        self.detail = detail
    }

    public var message: String { String(cString: strerror(errno)) }

    public var description: String {
        let subject = detail.map { " \($0)" } ?? ""
        return "\(call)\(subject): \(message) (errno \(errno))"
    }
}
