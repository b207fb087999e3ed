/// A start-up failure with a message meant for the operator; berthd prints it and exits 1.
struct DaemonError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
