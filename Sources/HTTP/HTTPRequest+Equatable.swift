/// Requests compare equal when every part matches, header order and name spelling included. Used
/// by tests and by the fuzz target to check that split reads parse the same as whole ones.
extension HTTPRequest: Equatable {
    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers == rhs.headers && lhs.body == rhs.body && lhs.spooledBody == rhs.spooledBody
    }
}
