/// An error a step throws to fail its operation with a chosen message and code (the op's `err` and
/// `err_code`). Any other error fails it with its description and code 500.
public struct OperationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let code: Int

    public init(_ message: String, code: Int = 400) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
